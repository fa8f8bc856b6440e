using System.Collections.Immutable;
using Grid.Infrastructure;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Grid.Inventory;

/// <summary>The locations a SKU is held at; the figures themselves are pushed (or pulled on activation) from them.</summary>
public sealed class SkuLocations
{
    /// <summary>In ordinal order. Never changed once stored: a new location makes a new array.</summary>
    public string[] Locations { get; set; } = [];

    /// <summary>Whether the SKU has a product allocation: its locations' reservations ask for quota, and ATP shows the quota left.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool Allocated { get; set; }
}

/// <summary>
/// Network ATP of one SKU from memory. Its SKU-location grains push a snapshot after every durable change; the set
/// of locations is persisted so that a restarted SKU grain pulls their current snapshots once on activation.
/// </summary>
/// <remarks>
/// Reentrant: every method changes memory synchronously, and the one persisted change goes through group commit.
/// Compact, since one is active per SKU: the snapshots sit in one array in location order (the snapshots themselves
/// are the SKU-location grains' own, immutable and passed by reference inside a silo), and the persisted set of
/// locations is the stored array itself.
/// </remarks>
[Reentrant]
public sealed class SkuGrain : Grain, ISkuGrain
{
    private readonly IPersistentState<SkuLocations> _store;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _staleAfter;
    private GroupCommit? _commits;
    private string? _sku;

    /// <summary>The latest snapshot of each location heard from, in ordinal order of location.</summary>
    private AvailabilitySnapshot[] _snapshots = [];

    public SkuGrain(
        [PersistentState("sku", StorageNames.Grid)] IPersistentState<SkuLocations> store,
        TimeProvider clock,
        IOptions<InventoryOptions> options)
    {
        _store = store;
        _clock = clock;
        _staleAfter = options.Value.StaleAfter;
    }

    private string Sku => _sku ??= this.GetPrimaryKeyString()["sku:".Length..];

    /// <summary>The locations stored (or being stored), in ordinal order.</summary>
    private string[] Known => _store.State.Locations;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var sku = Sku;
        var known = Known;
        if (!IsOrdered(known))
        {
            // Written by an older build (or by hand): put it in the order the lookups below rely on.
            _store.State.Locations = [.. known.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        }

        var snapshots = await Task.WhenAll(Known.Select(location =>
            GrainFactory.Ref<IInventoryGrain>(Identifiers.SkuLocationKey(sku, location)).GetSnapshot()));
        foreach (var snapshot in snapshots)
        {
            Keep(snapshot);
        }
    }

    public Task<SkuAvailability> GetAvailability(AvailabilityQuery query, ImmutableArray<string> locations)
    {
        var answer = Availability(query, locations);
        return _store.State.Allocated && (query.Channel is not null || query.CustomerId is not null)
            ? WithinQuotaAsync(answer, query, locations)
            : Task.FromResult(answer);
    }

    /// <summary>Network ATP no more than the quota the channel or customer has left (the location's policy when one location is asked).</summary>
    private async Task<SkuAvailability> WithinQuotaAsync(SkuAvailability answer, AvailabilityQuery query, ImmutableArray<string> locations)
    {
        var standing = await GrainFactory.Ref<IProductAllocationGrain>(Identifiers.SkuGrainKey(Sku))
            .Standing(locations.Length == 1 ? locations[0] : null, query.Channel, query.CustomerId);
        return standing.Left is { } left
            ? answer with { Available = Math.Min(answer.Available, left.Remaining), Quota = left }
            : answer;
    }

    private SkuAvailability Availability(AvailabilityQuery query, ImmutableArray<string> locations)
    {
        var now = _clock.GetUtcNow();
        var snapshots = _snapshots;
        ImmutableArray<LocationAvailability> answers;
        if (locations.IsDefaultOrEmpty)
        {
            var builder = ImmutableArray.CreateBuilder<LocationAvailability>(snapshots.Length);
            foreach (var snapshot in snapshots)
            {
                builder.Add(snapshot.ToAvailability(query, now, _staleAfter));
            }

            answers = builder.MoveToImmutable();
        }
        else
        {
            // In the order asked, each location once, those this SKU is not held at left out.
            var builder = ImmutableArray.CreateBuilder<LocationAvailability>(Math.Min(locations.Length, snapshots.Length));
            for (var i = 0; i < locations.Length; i++)
            {
                var location = locations[i];
                var at = IndexOf(snapshots, location);
                if (at >= 0 && !Repeats(locations, i))
                {
                    builder.Add(snapshots[at].ToAvailability(query, now, _staleAfter));
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

    public Task OnLocationChanged(AvailabilitySnapshot snapshot)
    {
        Keep(snapshot);
        return Task.CompletedTask;
    }

    public async Task<bool> RegisterLocation(AvailabilitySnapshot snapshot)
    {
        Keep(snapshot);
        _commits ??= new GroupCommit(WriteAsync);
        var known = Known;
        var at = Array.BinarySearch(known, snapshot.Location, StringComparer.Ordinal);
        if (at < 0)
        {
            // A new array, so that a write in flight keeps serializing the one it was given.
            _store.State = new SkuLocations { Locations = Insert(known, ~at, snapshot.Location), Allocated = _store.State.Allocated };
            _commits.MarkChanged();
        }

        await _commits.WhenDurable();
        return _store.State.Allocated;
    }

    public async Task<ImmutableArray<string>> SetAllocationControlled(bool controlled)
    {
        _commits ??= new GroupCommit(WriteAsync);
        if (_store.State.Allocated != controlled)
        {
            _store.State = new SkuLocations { Locations = Known, Allocated = controlled };
            _commits.MarkChanged();
        }

        var known = Known;
        await _commits.WhenDurable();
        return [.. known];
    }

    private void Keep(AvailabilitySnapshot snapshot)
    {
        var at = IndexOf(_snapshots, snapshot.Location);
        if (at < 0)
        {
            _snapshots = Insert(_snapshots, ~at, snapshot);
        }
        else if (_snapshots[at].Version <= snapshot.Version)
        {
            // An equal version is the same figures: keeping the latest instance lets the SKU-location's own durable
            // snapshot be the only one held (the one it registered with is a copy made before its first write).
            _snapshots[at] = snapshot;
        }
    }

    private async Task WriteAsync()
    {
        try
        {
            await _store.WriteStateAsync();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
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

    private static bool IsOrdered(string[] locations)
    {
        for (var i = 1; i < locations.Length; i++)
        {
            if (string.CompareOrdinal(locations[i - 1], locations[i]) >= 0)
            {
                return false;
            }
        }

        return true;
    }

    private static T[] Insert<T>(T[] items, int index, T item)
    {
        var grown = new T[items.Length + 1];
        Array.Copy(items, grown, index);
        grown[index] = item;
        Array.Copy(items, index, grown, index + 1, items.Length - index);
        return grown;
    }
}
