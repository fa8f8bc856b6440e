using Grid.Inventory;
using Grid.Orders;
using Grid.Tests.Grains;
using Grid.Tests.Grains.Orders;

namespace Grid.Tests.Postgres;

/// <summary>
/// Given a database with the schema: cart to order, line changes and the customer's order list, kept in PostgreSQL
/// across a full cluster restart.
/// </summary>
[Trait("Category", "Postgres")]
public sealed class OrderChangesPostgresTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task A_cart_reservation_taken_over_by_an_order_stays_its_allocation_after_a_restart()
    {
        var tag = TestIds.Tag();
        var (sku, dc1, orderId, cart) = ($"SKU-{tag}", $"DC1-{tag}", $"O-{tag}", $"cart-{tag}");
        await using (var first = await PostgresCluster.StartAsync(_database, 1))
        {
            await first.Client.Inventory(sku, dc1).Receive(10, DateTimeOffset.UtcNow);
            Assert.Equal(ReservationResultCode.Created, (await first.Client.Inventory(sku, dc1).Reserve(new ReserveStock(cart, "web", 4, 600))).Code);
            var submitted = await first.Client.GetGrain<IOrderGrain>(OrderKeys.Order(orderId)).Submit(
                OrderScenario.Submission(orderId, $"C-{tag}", $"region-{tag}", false, new OrderLineInput("L1", sku, 4, dc1, [cart])));
            Assert.Equal(OrderStatus.Released, submitted.Order!.Status);
            await first.StopAllSilosAsync();
        }

        await using var second = await PostgresCluster.StartAsync(_database, 1);
        var order = (await second.Client.GetGrain<IOrderGrain>(OrderKeys.Order(orderId)).Get()).Order!;
        var reservation = (await second.Client.Inventory(sku, dc1).GetReservation(cart)).Reservation!;
        var detail = await second.Client.Inventory(sku, dc1).GetDetail();
        Assert.Equal((4L, ReservationStatus.Committed, orderId), (order.Lines[0].AllocatedAt(dc1), reservation.Status, reservation.OrderId));
        Assert.Equal((0L, 4L), (detail.Reserved, detail.Allocated));
        Assert.Equal(OrderResultCode.Ok, (await second.Client.GetGrain<IOrderGrain>(OrderKeys.Order(orderId)).CommitReservation(Identifiers.SkuLocationKey(sku, dc1), cart)).Code);
    }

    [Fact]
    public async Task A_reduced_line_and_the_customers_order_list_are_kept_across_a_restart()
    {
        var tag = TestIds.Tag();
        var (sku, dc1, region, customer) = ($"SKU-{tag}", $"DC1-{tag}", $"region-{tag}", $"C-{tag}");
        string[] orders = [$"O1-{tag}", $"O2-{tag}"];
        await using (var first = await PostgresCluster.StartAsync(_database, 1))
        {
            await first.Client.GetGrain<ILocationDirectoryGrain>(OrderKeys.Singleton).Upsert(new LocationInput(dc1, "DC one", LocationType.Dc, [region], 1));
            await first.Client.Inventory(sku, dc1).Receive(20, DateTimeOffset.UtcNow);
            foreach (var orderId in orders)
            {
                await first.Client.GetGrain<IOrderGrain>(OrderKeys.Order(orderId)).Submit(
                    OrderScenario.Submission(orderId, customer, region, false, new OrderLineInput("L1", sku, 10)));
            }

            var reduced = await first.Client.GetGrain<IOrderGrain>(OrderKeys.Order(orders[0])).ReduceLine("L1", 6, "fewer wanted");
            Assert.Equal(OrderResultCode.Ok, reduced.Code);
            await first.StopAllSilosAsync();
        }

        await using var second = await PostgresCluster.StartAsync(_database, 1);
        var line = (await second.Client.GetGrain<IOrderGrain>(OrderKeys.Order(orders[0])).Get()).Order!.Lines[0];
        Assert.Equal((6L, 4L), (line.AllocatedAt(dc1), line.Cancelled));
        Assert.Equal(16, (await second.Client.Inventory(sku, dc1).GetDetail()).Allocated);
        var index = second.Client.GetGrain<ICustomerOrdersGrain>(OrderKeys.CustomerOrders(customer));
        var page = await index.List(null, null, 1);
        var rest = await index.List(null, page.Next, 1);
        Assert.Equal(orders.Reverse(), page.Items.Concat(rest.Items).Select(o => o.OrderId));
        Assert.Equal(OrderStatus.Released, page.Items[0].Status);
    }
}
