using Grid.Domain;
using Grid.Silo.Storage;
using Npgsql;
using Orleans.Storage;

namespace Grid.Tests.Postgres;

/// <summary>Given the schema: the SKU-location storage writes deltas and refuses a write from a stale activation.</summary>
[Trait("Category", "Postgres")]
public sealed class InventoryStorageTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    private readonly PostgresDatabase _database = new();
    private NpgsqlDataSource _dataSource = null!;
    private PostgresInventoryStorage _storage = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _dataSource = NpgsqlDataSource.Create(_database.ConnectionString);
        _storage = new PostgresInventoryStorage(_dataSource, "storage-tests");
    }

    public async Task DisposeAsync()
    {
        await _storage.DisposeAsync();
        await _database.DisposeAsync();
    }

    private static GrainId Key(string key) => GrainId.Create("inventory", key);

    private async Task<GrainState<SkuLocationInventory>> ReadAsync(string key)
    {
        var state = new GrainState<SkuLocationInventory>();
        await _storage.ReadStateAsync("inventory", Key(key), state);
        Assert.NotNull(state.State);
        return state;
    }

    /// <summary>A SKU-location of DC1 that received <paramref name="quantity"/> (event <paramref name="eventId"/>), written once.</summary>
    private async Task<GrainState<SkuLocationInventory>> WrittenWithReceiptAsync(string sku, long quantity, string eventId = "rcv")
    {
        var state = await ReadAsync($"{sku}@DC1");
        state.State!.Identify(sku, "DC1");
        state.State.Apply(new Movement(eventId, "wms", T0, MovementKind.Receipt, quantity), T0, InventoryRules.Default);
        await _storage.WriteStateAsync("inventory", Key($"{sku}@DC1"), state);
        return state;
    }

    [Fact]
    public async Task A_sku_location_never_written_reads_as_empty()
    {
        var state = await ReadAsync("NEW@DC1");

        Assert.False(state.RecordExists);
        Assert.True(state.State!.IsEmpty);
    }

    [Fact]
    public async Task What_is_written_reads_back_whole_across_many_delta_writes()
    {
        var state = await ReadAsync("MANY@DC1");
        var inventory = state.State!;
        inventory.Identify("MANY", "DC1");
        inventory.Apply(new Movement("rcv", "wms", T0, MovementKind.Receipt, 5_000), T0, InventoryRules.Default);
        for (var batch = 0; batch < 20; batch++)
        {
            for (var i = 0; i < 100; i++)
            {
                inventory.Reserve(new ReserveRequest($"r{batch}-{i}", "web", 2), T0, InventoryRules.Default);
            }

            inventory.Release($"r{batch}-0", T0);
            await _storage.WriteStateAsync("inventory", Key("MANY@DC1"), state);
        }

        var stored = await ReadAsync("MANY@DC1");
        var read = stored.State!;

        Assert.Equal(2_000, read.Reservations.Count);
        Assert.Equal(inventory.Reserved, read.Reserved);
        Assert.Equal(ReservationState.Released, read.Reservations["r7-0"].State);
        Assert.Equal(inventory.AvailableFor(null), read.AvailableFor(null));
        Assert.Equal("20", stored.ETag);
    }

    [Fact]
    public async Task A_write_from_an_activation_that_read_an_older_version_is_refused_and_changes_nothing()
    {
        var first = await WrittenWithReceiptAsync("RACE", 10);

        var stale = await ReadAsync("RACE@DC1");
        first.State!.Reserve(new ReserveRequest("r1", "web", 4), T0, InventoryRules.Default);
        await _storage.WriteStateAsync("inventory", Key("RACE@DC1"), first);

        stale.State!.Reserve(new ReserveRequest("r2", "web", 9), T0, InventoryRules.Default);
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync("inventory", Key("RACE@DC1"), stale));

        var stored = (await ReadAsync("RACE@DC1")).State!;
        Assert.Equal(["r1"], stored.Reservations.Keys);
        Assert.Equal(4, stored.Reserved);
    }

    [Fact]
    public async Task Concurrent_writes_of_many_sku_locations_are_all_stored()
    {
        var states = new List<(string Key, GrainState<SkuLocationInventory> State)>();
        for (var i = 0; i < 300; i++)
        {
            var state = await ReadAsync($"SPREAD{i}@DC1");
            state.State!.Identify($"SPREAD{i}", "DC1");
            state.State.Apply(new Movement($"rcv{i}", "wms", T0, MovementKind.Receipt, i + 1), T0, InventoryRules.Default);
            state.State.Reserve(new ReserveRequest("r1", "web", 1), T0, InventoryRules.Default);
            states.Add(($"SPREAD{i}@DC1", state));
        }

        await Task.WhenAll(states.Select(s => _storage.WriteStateAsync("inventory", Key(s.Key), s.State)));

        for (var i = 0; i < states.Count; i++)
        {
            var stored = (await ReadAsync(states[i].Key)).State!;
            Assert.Equal(i + 1, stored.OnHand);
            Assert.Equal("r1", Assert.Single(stored.Reservations).Key);
        }
    }
    [Fact]
    public async Task Event_keys_and_movements_read_back_within_their_windows_and_no_more_are_stored()
    {
        var rules = InventoryRules.Default;
        var state = await ReadAsync("BUSY@DC1");
        var inventory = state.State!;
        inventory.Identify("BUSY", "DC1");
        var events = rules.DedupeWindow + 40;
        for (var i = 0; i < events; i++)
        {
            inventory.Apply(new Movement($"e{i}", "wms", T0, MovementKind.Receipt, 1), T0, rules);
            if (i % 7 == 0)
            {
                await _storage.WriteStateAsync("inventory", Key("BUSY@DC1"), state);
            }
        }

        await _storage.WriteStateAsync("inventory", Key("BUSY@DC1"), state);
        var read = (await ReadAsync("BUSY@DC1")).State!;

        Assert.Equal(inventory.RecentEventKeys, read.RecentEventKeys);
        Assert.Equal(inventory.RecentMovements, read.RecentMovements);
        Assert.Equal(rules.RecentMovementCount, read.RecentMovements.Count);
        Assert.Equal(MovementResult.Duplicate, read.Apply(new Movement($"e{events - 1}", "wms", T0, MovementKind.Receipt, 1), T0, rules).Result);
        Assert.Equal(events, read.OnHand);
        Assert.Equal(
            rules.DedupeWindow + rules.RecentMovementCount,
            await _database.ScalarAsync<long>("SELECT count(*) FROM grid_inventory_journal WHERE grain_key = 'BUSY@DC1'"));
    }

    [Fact]
    public async Task A_write_of_a_busy_sku_location_stores_a_header_that_does_not_grow_with_its_history()
    {
        var state = await WrittenWithReceiptAsync("HEAD", 1, "first");
        var small = await _database.ScalarAsync<int>("SELECT length(header) FROM grid_inventory WHERE grain_key = 'HEAD@DC1'");

        for (var i = 0; i < 300; i++)
        {
            state.State!.Apply(new Movement($"e{i}", "wms", T0, MovementKind.Receipt, 1), T0, InventoryRules.Default);
            await _storage.WriteStateAsync("inventory", Key("HEAD@DC1"), state);
        }

        var after = await _database.ScalarAsync<int>("SELECT length(header) FROM grid_inventory WHERE grain_key = 'HEAD@DC1'");
        Assert.InRange(after, small - 16, small + 16);
    }

    [Fact]
    public async Task A_header_stored_before_the_journal_keeps_its_history_through_the_next_write()
    {
        var old = new SkuLocationInventory("OLD", "DC1");
        old.Apply(new Movement("e1", "wms", T0, MovementKind.Receipt, 3), T0, InventoryRules.Default);
        old.Apply(new Movement("e2", "wms", T0, MovementKind.Receipt, 4), T0, InventoryRules.Default);
        var legacy = System.Text.Json.JsonSerializer.Serialize(old)
            .Replace("\"EventKeySequence\":2,", "", StringComparison.Ordinal)
            .Replace("\"MovementSequence\":2,", "", StringComparison.Ordinal);
        Assert.DoesNotContain("Sequence\":2", legacy, StringComparison.Ordinal);
        await _database.ExecuteAsync(
            $"INSERT INTO grid_inventory (service_id, grain_key, version, header) VALUES ('storage-tests', 'OLD@DC1', 1, convert_to('{legacy.Replace("'", "''", StringComparison.Ordinal)}', 'UTF8'))");

        var state = await ReadAsync("OLD@DC1");
        state.State!.Apply(new Movement("e3", "wms", T0, MovementKind.Receipt, 5), T0, InventoryRules.Default);
        await _storage.WriteStateAsync("inventory", Key("OLD@DC1"), state);
        var read = (await ReadAsync("OLD@DC1")).State!;

        Assert.Equal(["wms\u001fe1", "wms\u001fe2", "wms\u001fe3"], read.RecentEventKeys);
        Assert.Equal([3L, 4L, 5L], read.RecentMovements.Select(m => m.Quantity));
        Assert.Equal(12, read.OnHand);
        Assert.Equal(6, await _database.ScalarAsync<long>("SELECT count(*) FROM grid_inventory_journal WHERE grain_key = 'OLD@DC1'"));
    }
}
