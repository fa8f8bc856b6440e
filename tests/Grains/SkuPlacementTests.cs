using Grid.Inventory;

namespace Grid.Tests.Grains;

/// <summary>
/// A SKU's grains live on one silo (its SKU grain and its SKU-location grains), so that a SKU-location telling its SKU
/// grain of a change stays inside the process; over many SKUs they spread over every silo.
/// </summary>
[Trait("Category", "Grains")]
[Collection(ClusterCollection.Name)]
public sealed class SkuPlacementTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private IManagementGrain Management => Grains.GetGrain<IManagementGrain>(0);

    [Fact]
    public async Task A_SKU_grain_and_its_SKU_locations_are_activated_on_the_same_silo()
    {
        var sku = TestIds.New("SKU");
        await Grains.Inventory(sku, "DC1").Receive(10, fixture.Clock.GetUtcNow());
        await Grains.Inventory(sku, "DC2").Receive(5, fixture.Clock.GetUtcNow());
        await Grains.Sku(sku).GetAvailability(AvailabilityQuery.Now, []);

        var silos = new[]
        {
            await Management.GetActivationAddress(Grains.Sku(sku)),
            await Management.GetActivationAddress(Grains.Inventory(sku, "DC1")),
            await Management.GetActivationAddress(Grains.Inventory(sku, "DC2")),
        };

        Assert.NotNull(silos[0]);
        Assert.All(silos, silo => Assert.Equal(silos[0], silo));
    }

    [Fact]
    public async Task SKUs_spread_over_every_silo()
    {
        var skus = Enumerable.Range(0, 40).Select(_ => TestIds.New("SKU")).ToList();
        await Task.WhenAll(skus.Select(sku => Grains.Inventory(sku, "DC1").Receive(1, fixture.Clock.GetUtcNow())));

        var silos = await Task.WhenAll(skus.Select(sku => Management.GetActivationAddress(Grains.Inventory(sku, "DC1")).AsTask()));

        Assert.Equal(2, silos.Distinct().Count());
    }
}
