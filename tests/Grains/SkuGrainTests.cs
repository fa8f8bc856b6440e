using Grid.Inventory;

namespace Grid.Tests.Grains;

[Trait("Category", "Grains")]
[Collection(ClusterCollection.Name)]
public sealed class SkuGrainTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private DateTimeOffset Now => fixture.Clock.GetUtcNow();

    [Fact]
    public async Task Network_availability_sums_every_location()
    {
        var sku = TestIds.New("SKU");
        await Grains.Inventory(sku, "DC1").Receive(10, Now);
        await Grains.Inventory(sku, "DC2").Receive(5, Now);

        var network = await Eventually.ReadAsync(
            () => Grains.Sku(sku).GetAvailability(AvailabilityQuery.Now, []), a => a.Available == 15);

        Assert.Equal(15, network.Available);
        Assert.Equal(["DC1", "DC2"], network.Locations.Select(l => l.Location));
    }

    [Fact]
    public async Task Network_availability_follows_each_change_at_a_location()
    {
        var sku = TestIds.New("SKU");
        await Grains.Inventory(sku, "DC1").Receive(10, Now);
        await Grains.Inventory(sku, "DC1").Reserve(new ReserveStock("r1", "web", 4));

        var network = await Eventually.ReadAsync(
            () => Grains.Sku(sku).GetAvailability(AvailabilityQuery.Now, []), a => a.Available == 6);

        Assert.Equal(6, network.Available);
        Assert.Equal(4, Assert.Single(network.Locations).Reserved);
    }

    [Fact]
    public async Task Network_availability_can_be_restricted_to_some_locations()
    {
        var sku = TestIds.New("SKU");
        await Grains.Inventory(sku, "DC1").Receive(10, Now);
        await Grains.Inventory(sku, "DC2").Receive(5, Now);
        await Eventually.ReadAsync(() => Grains.Sku(sku).GetAvailability(AvailabilityQuery.Now, []), a => a.Available == 15);

        var restricted = await Grains.Sku(sku).GetAvailability(AvailabilityQuery.Now, ["DC2", "NOWHERE"]);

        Assert.Equal(5, restricted.Available);
        Assert.Equal("DC2", Assert.Single(restricted.Locations).Location);
    }

    [Fact]
    public async Task A_location_short_of_its_promises_does_not_take_stock_away_from_the_others()
    {
        var sku = TestIds.New("SKU");
        var dc1 = Grains.Inventory(sku, "DC1");
        await dc1.Receive(10, Now);
        await dc1.Reserve(new ReserveStock("r1", "web", 10));
        await dc1.ApplyMovements([new WarehouseMovement("loss-1", "wms", Now, MovementType.Adjustment, -6)]);
        await Grains.Inventory(sku, "DC2").Receive(5, Now);

        var network = await Eventually.ReadAsync(
            () => Grains.Sku(sku).GetAvailability(AvailabilityQuery.Now, []), a => a.Locations.Length == 2 && a.Locations[0].OnHand == 4);

        Assert.Equal(5, network.Available);
    }

    [Fact]
    public async Task A_reactivated_sku_knows_its_locations_and_their_figures()
    {
        var sku = TestIds.New("SKU");
        await Grains.Inventory(sku, "DC1").Receive(10, Now);
        await Grains.Inventory(sku, "DC2").Receive(5, Now);

        await fixture.Cluster.DeactivateAsync(Grains.Sku(sku));
        var network = await Grains.Sku(sku).GetAvailability(AvailabilityQuery.Now, []);

        Assert.Equal(15, network.Available);
    }

    [Fact]
    public async Task An_unknown_sku_has_nothing_available_and_no_locations()
    {
        var network = await Grains.Sku(TestIds.New("SKU")).GetAvailability(AvailabilityQuery.Now, []);

        Assert.Equal(0, network.Available);
        Assert.Empty(network.Locations);
    }

    [Fact]
    public async Task Channel_ring_fences_apply_to_network_availability()
    {
        var sku = TestIds.New("SKU");
        var dc1 = Grains.Inventory(sku, "DC1");
        await dc1.Receive(15, Now);
        Assert.True((await dc1.SetPolicy(new InventoryPolicy(0, System.Collections.Immutable.ImmutableDictionary<string, long>.Empty.Add("web", 10)))).Accepted);

        var store = await Eventually.ReadAsync(
            () => Grains.Sku(sku).GetAvailability(new AvailabilityQuery("store"), []), a => a.Available == 5);
        var web = await Grains.Sku(sku).GetAvailability(new AvailabilityQuery("web"), []);

        Assert.Equal(5, store.Available);
        Assert.Equal(15, web.Available);
    }
}
