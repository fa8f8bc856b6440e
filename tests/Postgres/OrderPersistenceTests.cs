using Grid.Orders;
using Grid.Tests.Grains;
using Grid.Tests.Grains.Orders;

namespace Grid.Tests.Postgres;

/// <summary>
/// Given a database with the schema: the order side's state (orders, customers, locations, backorder queues, shipments)
/// written as JSON by the ADO.NET grain storage, and order events through the durable stream queues.
/// </summary>
[Trait("Category", "Postgres")]
public sealed class OrderPersistenceTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task A_partly_backordered_order_survives_a_full_cluster_restart_and_is_filled_by_a_receipt_after_it()
    {
        var tag = TestIds.Tag();
        var (sku, dc1, region, orderId) = ($"SKU-{tag}", $"DC1-{tag}", $"region-{tag}", $"O-{tag}");
        var key = OrderKeys.Order(orderId);
        await using (var first = await PostgresCluster.StartAsync(_database, 1))
        {
            await first.Client.GetGrain<ILocationDirectoryGrain>(OrderKeys.Singleton).Upsert(new LocationInput(dc1, "DC one", LocationType.Dc, [region], 1));
            await first.Client.Inventory(sku, dc1).Receive(4, DateTimeOffset.UtcNow);
            var submitted = await first.Client.GetGrain<IOrderGrain>(key)
                .Submit(OrderScenario.Submission(orderId, $"C-{tag}", region, false, new OrderLineInput("L1", sku, 10)));
            Assert.Equal(OrderStatus.PartiallyBackordered, submitted.Order!.Status);
            await first.StopAllSilosAsync();
        }

        await using var second = await PostgresCluster.StartAsync(_database, 1);
        var reloaded = (await second.Client.GetGrain<IOrderGrain>(key).Get()).Order!;
        Assert.Equal((OrderStatus.PartiallyBackordered, 4L, 6L), (reloaded.Status, reloaded.Lines[0].AllocatedAt(dc1), reloaded.Lines[0].Backordered));
        Assert.Equal(6, Assert.Single((await second.Client.GetGrain<IBackorderQueueGrain>(OrderKeys.BackorderQueue(sku, dc1)).GetQueue()).Entries).Quantity);
        Assert.Equal(dc1, Assert.Single(await second.Client.GetGrain<ILocationDirectoryGrain>(OrderKeys.Singleton).Candidates(region)).Location);

        await second.Client.Inventory(sku, dc1).Receive(6, DateTimeOffset.UtcNow);

        var filled = await Eventually.ReadAsync(() => second.Client.GetGrain<IOrderGrain>(key).Get(), r => r.Order!.Status == OrderStatus.Released);
        Assert.Equal(OrderStatus.Released, filled.Order!.Status);
        Assert.Equal(10, filled.Order.Lines[0].AllocatedAt(dc1));
    }

    [Fact]
    public async Task A_ship_confirm_queued_twice_on_the_order_stream_ships_the_order_once()
    {
        var tag = TestIds.Tag();
        var (sku, dc1, region, orderId) = ($"SKU-{tag}", $"DC1-{tag}", $"region-{tag}", $"O-{tag}");
        await using var cluster = await PostgresCluster.StartAsync(_database, 1);
        await cluster.Client.GetGrain<ILocationDirectoryGrain>(OrderKeys.Singleton).Upsert(new LocationInput(dc1, "DC one", LocationType.Dc, [region], 1));
        await cluster.Client.Inventory(sku, dc1).Receive(10, DateTimeOffset.UtcNow);
        var order = cluster.Client.GetGrain<IOrderGrain>(OrderKeys.Order(orderId));
        await order.Submit(OrderScenario.Submission(orderId, $"C-{tag}", region, false, new OrderLineInput("L1", sku, 10)));
        var shipConfirm = new OrderWarehouseEvent("EV-1", "wms-test", DateTimeOffset.UtcNow, OrderEventType.ShipConfirm, dc1,
            ShipmentId: $"S-{tag}", Lines: [new ShippedLine("L1", sku, 10)]);
        var stream = cluster.Client.GetStreamProvider(GridStreams.ProviderName).GetStream<OrderWarehouseEvent>(StreamId.Create(GridStreams.Orders, OrderKeys.Order(orderId)));

        await stream.OnNextAsync(shipConfirm);
        await stream.OnNextAsync(shipConfirm);

        var shipped = await Eventually.ReadAsync(() => order.Get(), r => r.Order!.Status == OrderStatus.Shipped);
        await Eventually.ThatAsync(async () => await _database.ScalarAsync<long>("SELECT count(*) FROM grid_stream_message") == 0, "the order stream drained");
        var after = (await order.Get()).Order!;
        Assert.Equal(OrderStatus.Shipped, shipped.Order!.Status);
        Assert.Equal(10, after.Lines[0].Shipped);
        Assert.Empty(after.Exceptions);
        Assert.Equal(0, (await cluster.Client.Inventory(sku, dc1).GetDetail()).OnHand);
    }
}
