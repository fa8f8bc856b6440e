using Grid.Silo.Storage;
using Npgsql;
using Orleans.Storage;

namespace Grid.Tests.Postgres;

/// <summary>Given the schema: Grid's grain state storage keeps each grain's state apart and refuses stale writes.</summary>
[Trait("Category", "Postgres")]
public sealed class GrainStateStorageTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();
    private PostgresGrainStorage _storage = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _storage = new PostgresGrainStorage(
            NpgsqlDataSource.Create(_database.ConnectionString),
            "grain-state-tests",
            new SystemTextJsonGrainStorageSerializer(Microsoft.Extensions.Options.Options.Create(new Orleans.Serialization.SystemTextJsonGrainStorageSerializerOptions())));
    }

    public async Task DisposeAsync()
    {
        await _storage.DisposeAsync();
        await _database.DisposeAsync();
    }

    private static GrainId Sku(string sku) => GrainId.Create("sku", "sku:" + sku);

    private async Task<GrainState<ShelfState>> ReadAsync(GrainId grain, string stateName = "shelf")
    {
        var state = new GrainState<ShelfState>(new ShelfState());
        await _storage.ReadStateAsync(stateName, grain, state);
        Assert.NotNull(state.State);
        return state;
    }

    [Fact]
    public async Task A_grain_never_written_reads_as_a_new_state()
    {
        var state = await ReadAsync(Sku("NEW"));

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Empty(state.State!.Locations);
    }

    [Fact]
    public async Task What_is_written_reads_back_with_its_version()
    {
        var state = await ReadAsync(Sku("A"));
        state.State!.Locations = ["DC1", "DC2"];
        await _storage.WriteStateAsync("shelf", Sku("A"), state);
        state.State!.Locations = ["DC1", "DC2", "DC3"];
        await _storage.WriteStateAsync("shelf", Sku("A"), state);

        var read = await ReadAsync(Sku("A"));

        Assert.True(read.RecordExists);
        Assert.Equal("2", read.ETag);
        Assert.Equal(["DC1", "DC2", "DC3"], read.State!.Locations);
    }

    [Fact]
    public async Task A_write_from_an_activation_that_read_an_older_version_is_refused_and_stores_nothing()
    {
        var first = await ReadAsync(Sku("B"));
        var stale = await ReadAsync(Sku("B"));
        first.State!.Locations = ["DC1"];
        await _storage.WriteStateAsync("shelf", Sku("B"), first);

        stale.State!.Locations = ["STALE"];
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync("shelf", Sku("B"), stale));

        Assert.Equal(["DC1"], (await ReadAsync(Sku("B"))).State!.Locations);
    }

    [Fact]
    public async Task Many_grains_read_at_once_each_get_their_own_state()
    {
        var grains = Enumerable.Range(0, 600).Select(i => Sku($"M{i:D4}")).ToArray();
        await Task.WhenAll(grains.Select(async (grain, i) =>
        {
            var state = await ReadAsync(grain);
            state.State!.Locations = [$"LOC{i}"];
            await _storage.WriteStateAsync("shelf", grain, state);
        }));

        var read = await Task.WhenAll(grains.Select(grain => ReadAsync(grain)));

        Assert.All(read.Select((state, i) => (state, i)), r => Assert.Equal([$"LOC{r.i}"], r.state.State!.Locations));
    }

    [Fact]
    public async Task The_same_grain_keeps_each_named_state_apart()
    {
        var shelf = await ReadAsync(Sku("C"), "shelf");
        shelf.State!.Locations = ["SHELF"];
        await _storage.WriteStateAsync("shelf", Sku("C"), shelf);

        var other = await ReadAsync(Sku("C"), "backroom");

        Assert.False(other.RecordExists);
    }

    [Fact]
    public async Task A_cleared_state_reads_as_new_and_can_be_written_again()
    {
        var state = await ReadAsync(Sku("D"));
        state.State!.Locations = ["DC1"];
        await _storage.WriteStateAsync("shelf", Sku("D"), state);

        await _storage.ClearStateAsync("shelf", Sku("D"), state);
        Assert.False((await ReadAsync(Sku("D"))).RecordExists);

        state.State!.Locations = ["DC9"];
        await _storage.WriteStateAsync("shelf", Sku("D"), state);
        Assert.Equal(["DC9"], (await ReadAsync(Sku("D"))).State!.Locations);
    }

    public sealed class ShelfState
    {
        public string[] Locations { get; set; } = [];
    }
}
