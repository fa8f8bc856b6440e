using System.Collections.Immutable;
using Grid.Infrastructure;

namespace Grid.Inventory;

/// <summary>
/// What a <see cref="SkuGrain"/> holds in memory: the latest snapshot of each of the SKU's locations, and whether a
/// product allocation caps it. The grain is its only writer; <see cref="LocalSkuViews"/> lets the API of the same
/// process read it without a grain call.
/// </summary>
/// <remarks>
/// A reader on another thread sees each location's snapshot as the grain last stored it (a slot is replaced whole by
/// an immutable snapshot, and a new location swaps in a new array), so a read gives each location's figures as a call
/// to the grain would have at some moment during the read.
/// </remarks>
public sealed class SkuView(string sku)
{
    private readonly Lock _writing = new();
    private AvailabilitySnapshot[] _snapshots = [];

    public string Sku { get; } = sku;

    /// <summary>The latest snapshot of each location heard from, in ordinal order of location.</summary>
    public AvailabilitySnapshot[] Snapshots => Volatile.Read(ref _snapshots);

    /// <summary>Whether a product allocation caps this SKU: a channel's or a customer's answer needs its grain.</summary>
    public bool Allocated { get; set; }

    /// <summary>
    /// Keeps <paramref name="snapshot"/> unless a newer one of its location is held. Called by the SKU grain and, in
    /// the same silo, by the SKU-location grain that changed (so that a read its caller makes next sees the change), so
    /// writers take a lock; readers never do.
    /// </summary>
    public void Keep(AvailabilitySnapshot snapshot)
    {
        lock (_writing)
        {
            var snapshots = _snapshots;
            var at = IndexOf(snapshots, snapshot.Location);
            if (at < 0)
            {
                Volatile.Write(ref _snapshots, Insert(snapshots, ~at, snapshot));
            }
            else if (snapshots[at].Version <= snapshot.Version)
            {
                // An equal version is the same figures: keeping the latest instance lets the SKU-location's own durable
                // snapshot be the only one held (the one it registered with is a copy made before its first write).
                Volatile.Write(ref snapshots[at], snapshot);
            }
        }
    }

    /// <summary>Network ATP over every location, or over <paramref name="locations"/> in the order asked.</summary>
    public SkuAvailability Answer(AvailabilityQuery query, ImmutableArray<string> locations, DateTimeOffset now, TimeSpan staleAfter)
    {
        var snapshots = Snapshots;
        ImmutableArray<LocationAvailability> answers;
        if (locations.IsDefaultOrEmpty)
        {
            var builder = ImmutableArray.CreateBuilder<LocationAvailability>(snapshots.Length);
            foreach (var snapshot in snapshots)
            {
                builder.Add(snapshot.ToAvailability(query, now, staleAfter));
            }

            answers = builder.MoveToImmutable();
        }
        else
        {
            // In the order asked, each location once, those this SKU is not held at left out.
            var builder = ImmutableArray.CreateBuilder<LocationAvailability>(Math.Min(locations.Length, snapshots.Length));
            for (var i = 0; i < locations.Length; i++)
            {
                var at = IndexOf(snapshots, locations[i]);
                if (at >= 0 && !Repeats(locations, i))
                {
                    builder.Add(snapshots[at].ToAvailability(query, now, staleAfter));
                }
            }

            answers = builder.DrainToImmutable();
        }

        long available = 0;
        DateTimeOffset? asOf = null;
        foreach (var answer in answers)
        {
            available += answer.Available;
            if (asOf is null || answer.AsOf > asOf)
            {
                asOf = answer.AsOf;
            }
        }

        GridInstruments.AtpQueries.Add(1);
        return new SkuAvailability(Sku, available, answers, answers.Length == 0 ? null : asOf);
    }

    /// <summary>The index of <paramref name="location"/>'s snapshot, or the complement of where it would go.</summary>
    private static int IndexOf(AvailabilitySnapshot[] snapshots, string location)
    {
        int low = 0, high = snapshots.Length - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) >> 1);
            var order = string.CompareOrdinal(snapshots[middle].Location, location);
            if (order == 0)
            {
                return middle;
            }

            if (order < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return ~low;
    }

    private static bool Repeats(ImmutableArray<string> locations, int index)
    {
        for (var i = 0; i < index; i++)
        {
            if (string.Equals(locations[i], locations[index], StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    internal static T[] Insert<T>(T[] items, int index, T item)
    {
        var grown = new T[items.Length + 1];
        Array.Copy(items, grown, index);
        grown[index] = item;
        Array.Copy(items, index, grown, index + 1, items.Length - index);
        return grown;
    }
}
