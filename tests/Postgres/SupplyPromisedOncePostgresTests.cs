using Grid.Inventory;
using Grid.Orders;
using Grid.Tests.Grains;
using Grid.Tests.Grains.Orders;

namespace Grid.Tests.Postgres;

/// <summary>
/// Given a database with the schema: what a SKU-location's backorders wait for is kept in PostgreSQL, so after a full
/// cluster restart date ATP is still net of them and a receipt still goes to them first.
/// </summary>
[Trait("Category", "Postgres")]
public sealed class SupplyPromisedOncePostgresTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task Backorders_keep_their_supply_and_take_a_receipt_first_after_a_restart()
    {
        var tag = TestIds.Tag();
        var (sku, dc1, region, orderId) = ($"SKU-{tag}", $"DC1-{tag}", $"region-{tag}", $"O-{tag}");
        var eta = DateTimeOffset.UtcNow.AddDays(10);
        await using (var first = await PostgresCluster.StartAsync(_database, 1))
        {
            await first.Client.GetGrain<ILocationDirectoryGrain>(OrderKeys.Singleton).Upsert(new LocationInput(dc1, "DC one", LocationType.Dc, [region], 1));
            await first.Client.Inventory(sku, dc1).ApplyMovements(
                [new WarehouseMovement($"poa-{tag}", "supplier-test", DateTimeOffset.UtcNow, MovementType.InboundExpected, 10, Reference: $"PO-{tag}", Eta: eta)]);
            var submitted = await first.Client.GetGrain<IOrderGrain>(OrderKeys.Order(orderId)).Submit(
                OrderScenario.Submission(orderId, $"C-{tag}", region, false, new OrderLineInput("L1", sku, 10)));
            Assert.Equal(OrderStatus.Backordered, submitted.Order!.Status);
            await first.StopAllSilosAsync();
        }

        await using var second = await PostgresCluster.StartAsync(_database, 1);
        var inventory = second.Client.Inventory(sku, dc1);
        Assert.Equal(0, (await inventory.GetAvailability(new AvailabilityQuery(null, eta))).Available);

        var receipt = inventory.Receive(12, DateTimeOffset.UtcNow);
        var reservation = inventory.Reserve(new ReserveStock($"cart-{tag}", "store", 12, 600, AllowPartial: true));
        await receipt;
        Assert.True((await reservation).Reservation?.Quantity is null or 2, "the reservation took units held for the backorder");
        var order = await Eventually.ReadAsync(
            () => second.Client.GetGrain<IOrderGrain>(OrderKeys.Order(orderId)).Get(), r => r.Order!.Status == OrderStatus.Released, "the backorder filled");
        Assert.Equal(10, order.Order!.Lines[0].AllocatedAt(dc1));
    }
}
