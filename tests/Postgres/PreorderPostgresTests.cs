using Grid.Inventory;
using Grid.Orders;
using Grid.Tests.Grains;
using Grid.Tests.Grains.Orders;

namespace Grid.Tests.Postgres;

/// <summary>
/// Given a database with the schema: a SKU-location's pre-order terms and the units pre-ordered are kept in PostgreSQL,
/// so after a full cluster restart the cap still holds and the pre-orders keep their promise.
/// </summary>
[Trait("Category", "Postgres")]
public sealed class PreorderPostgresTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task The_cap_and_the_promises_of_pre_orders_hold_after_a_restart()
    {
        var tag = TestIds.Tag();
        var (sku, dc1, region) = ($"SKU-{tag}", $"DC1-{tag}", $"region-{tag}");
        var eta = DateTimeOffset.UtcNow.AddDays(10);
        await using (var first = await PostgresCluster.StartAsync(_database, 1))
        {
            await first.Client.GetGrain<ILocationDirectoryGrain>(OrderKeys.Singleton).Upsert(new LocationInput(dc1, "DC one", LocationType.Dc, [region], 1));
            await first.Client.Inventory(sku, dc1).ApplyMovements(
                [new WarehouseMovement($"poa-{tag}", "supplier-test", DateTimeOffset.UtcNow, MovementType.InboundExpected, 50, Reference: $"PO-{tag}", Eta: eta)]);
            await first.Client.GetGrain<IBackorderQueueGrain>(Identifiers.SkuLocationKey(sku, dc1)).SetPreorders(new PreorderTermsInput(5, null));

            var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Submit(first.Client, $"O{i}-{tag}", tag, region, sku, dc1)));
            Assert.Equal(5, answers.Count(a => a.Code == OrderResultCode.Created));
            Assert.Equal(3, answers.Count(a => a.Code == OrderResultCode.PreorderRefused));
            await first.StopAllSilosAsync();
        }

        await using var second = await PostgresCluster.StartAsync(_database, 1);
        var terms = await second.Client.GetGrain<IBackorderQueueGrain>(Identifiers.SkuLocationKey(sku, dc1)).GetPreorders();
        Assert.Equal((5L, 0L, 5), (terms.Preordered, terms.Remaining, terms.Waiting.Length));
        Assert.All(terms.Waiting, w => Assert.Equal(eta, w.PromisedDate));
        Assert.Equal(OrderResultCode.PreorderRefused, (await Submit(second.Client, $"late-{tag}", tag, region, sku, dc1)).Code);
    }

    private static Task<OrderResult> Submit(IClusterClient client, string orderId, string tag, string region, string sku, string location)
        => client.GetGrain<IOrderGrain>(OrderKeys.Order(orderId)).Submit(
            OrderScenario.Submission(orderId, $"C-{tag}", region, false, new OrderLineInput("L1", sku, 1, location, Preorder: true)));
}
