using System.Collections.Concurrent;
using System.Globalization;
using Grid.Domain;
using Grid.Gateway.Feed;
using Grid.Inventory;
using Orleans.Storage;

namespace Grid.Silo.Storage;

/// <summary>
/// The dev-mode twin of <see cref="PostgresInventoryStorage"/>: the same delta writes and version check, kept in
/// this process's memory. One store is shared by every silo of a process (as an in-process test cluster has).
/// </summary>
public sealed class InMemoryInventoryStore
{
    internal ConcurrentDictionary<string, Entry> Entries { get; } = new(StringComparer.Ordinal);

    /// <summary>The outbound publishers' rows, shared the same way (see <see cref="InMemoryPublisherStorage"/>).</summary>
    public InMemoryPublisherStore Publishers { get; } = new();

    /// <summary>The availability feed, told of each write that changes a SKU-location's availability while it is stored.</summary>
    public InMemoryAvailabilityFeed Feed { get; } = new();

    internal sealed class Entry
    {
        public int Version { get; set; }

        public byte[] Header { get; set; } = [];

        public Dictionary<string, Reservation> Reservations { get; } = new(StringComparer.Ordinal);

        public DateTimeOffset? NextExpiry { get; set; }

        public SortedDictionary<long, string> EventKeys { get; } = [];

        public SortedDictionary<long, MovementRecord> Movements { get; } = [];
    }
}

internal sealed class InMemoryInventoryStorage(InMemoryInventoryStore store) : IGrainStorage, IExpiryIndex
{
    public Task<IReadOnlyList<string>> DueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<string> due = [.. store.Entries
            .Where(e => e.Value.NextExpiry is { } at && at <= now)
            .OrderBy(e => e.Value.NextExpiry)
            .Take(limit)
            .Select(e => e.Key)];
        return Task.FromResult(due);
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (!store.Entries.TryGetValue(grainId.Key.ToString()!, out var entry))
        {
            grainState.State = (T)(object)new SkuLocationInventory();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return Task.CompletedTask;
        }

        lock (entry)
        {
            var inventory = InventoryStateSerializer.DeserializeHeader(entry.Header);
            inventory.RestoreReservations(entry.Reservations.Values);
            inventory.RestoreJournal([.. entry.EventKeys.Values], [.. entry.Movements.Values]);
            grainState.State = (T)(object)inventory;
            grainState.ETag = entry.Version.ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var changes = InventoryStateSerializer.AsInventory(grainState).TakeChanges();
        var header = InventoryStateSerializer.Serialize(changes.Header);
        var entry = store.Entries.GetOrAdd(grainId.Key.ToString()!, _ => new InMemoryInventoryStore.Entry());
        lock (entry)
        {
            var expected = grainState.ETag is null ? 0 : int.Parse(grainState.ETag, CultureInfo.InvariantCulture);
            if (entry.Version != expected)
            {
                throw new InconsistentStateException($"Stored version {entry.Version} is not the version this activation read ({expected}).", entry.Version.ToString(CultureInfo.InvariantCulture), grainState.ETag ?? "none");
            }

            entry.Header = header;
            entry.NextExpiry = changes.NextExpiry;
            foreach (var reservation in changes.ChangedReservations)
            {
                entry.Reservations[reservation.Id] = reservation;
            }

            foreach (var id in changes.RemovedReservations)
            {
                entry.Reservations.Remove(id);
            }

            Append(entry.EventKeys, changes.Journal.FirstNewEventKey, changes.Journal.NewEventKeys, changes.Journal.OldestEventKeyKept);
            Append(entry.Movements, changes.Journal.FirstNewMovement, changes.Journal.NewMovements, changes.Journal.OldestMovementKept);
            if (changes.AvailabilityChanged)
            {
                // Under the entry's lock: a SKU-location's changes reach the feed in the order they are stored.
                store.Feed.Publish(changes.Header.ToSnapshot());
            }

            entry.Version++;
            grainState.ETag = entry.Version.ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    private static void Append<TEntry>(SortedDictionary<long, TEntry> journal, long first, IReadOnlyList<TEntry> added, long oldestKept)
    {
        for (var i = 0; i < added.Count; i++)
        {
            journal[first + i] = added[i];
        }

        foreach (var forgotten in journal.Keys.TakeWhile(sequence => sequence < oldestKept).ToList())
        {
            journal.Remove(forgotten);
        }
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = grainId.Key.ToString()!;
        if (store.Entries.TryRemove(key, out _) && Identifiers.TryParseSkuLocationKey(key, out var sku, out var location))
        {
            store.Feed.Publish(AvailabilityProjection.Empty(sku, location));
        }

        grainState.State = (T)(object)new SkuLocationInventory();
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }
}
