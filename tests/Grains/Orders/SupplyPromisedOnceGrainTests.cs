using Grid.Inventory;
using Grid.Orders;

namespace Grid.Tests.Grains.Orders;

/// <summary>
/// Supply is promised once: the SKU-location knows what its backorders wait for, nets it out of ATP for a date, and
/// holds arriving stock for them in the step that applies it.
/// </summary>
[Trait("Category", "Grains")]
[Collection(ClusterCollection.Name)]
public sealed class SupplyPromisedOnceGrainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Supply_promised_to_backorders_adds_nothing_to_network_atp_for_its_date()
    {
        var s = new OrderScenario(fixture);
        var (sku, dc1, eta) = (s.Sku(), s.Location("DC1"), s.Now.AddDays(10));
        await s.AddLocation(dc1, 1);
        await s.Expect(sku, dc1, "PO-7", 10, eta);

        var order = (await s.Submit(new OrderLineInput("L1", sku, 10))).Order!;

        Assert.Equal(eta, order.Lines[0].PromisedDate);
        var atp = await Eventually.ReadAsync(
            () => s.Grains.Sku(sku).GetAvailability(new AvailabilityQuery(null, eta), []), a => a.Locations.Any(l => l.BackorderDemand == 10),
            "the SKU to see the backorder demand");
        Assert.Equal((0L, 0L), (atp.Available, Assert.Single(atp.Locations).Available));
    }

    [Fact]
    public async Task A_receipt_racing_a_reservation_goes_to_the_waiting_backorder_first()
    {
        // Each round races anew: the reservation may be decided before the receipt (nothing there yet) or after it (the
        // backorder's units held); it never gets more than the surplus, and the backorder always gets its units.
        for (var round = 0; round < 8; round++)
        {
            var s = new OrderScenario(fixture);
            var (sku, dc1) = (s.Sku(), s.Location("DC1"));
            await s.AddLocation(dc1, 1);
            Assert.Equal(OrderStatus.Backordered, (await s.Submit(new OrderLineInput("L1", sku, 5))).Order!.Status);

            var receipt = s.Receive(sku, dc1, 8);
            var reservation = s.Inventory(sku, dc1).Reserve(new ReserveStock(TestIds.New("cart"), "store", 5, 600, AllowPartial: true));
            await receipt;
            var reserved = await reservation;

            var granted = reserved.Reservation?.Quantity ?? 0;
            Assert.True(granted is 0 or 3, $"round {round}: the reservation got {granted} of the 3 units the backorder does not need");
            var released = await s.OrderWhen("1", o => o.Status == OrderStatus.Released);
            Assert.Equal(5, released.Lines[0].AllocatedAt(dc1));
        }
    }

    [Fact]
    public async Task Stock_held_for_a_backorder_is_shown_and_refused_to_other_channels()
    {
        var s = new OrderScenario(fixture);
        var (sku, dc1) = (s.Sku(), s.Location("DC1"));
        await s.AddLocation(dc1, 1);
        await s.Submit(new OrderLineInput("L1", sku, 5));
        var inventory = s.Inventory(sku, dc1);

        // Held or already reserved by the queue: either way, no unit is left for another channel.
        await s.Receive(sku, dc1, 5);
        var refused = await inventory.Reserve(new ReserveStock(TestIds.New("cart"), "store", 1, 600));

        Assert.Equal(ReservationResultCode.InsufficientStock, refused.Code);
        await s.OrderWhen("1", o => o.Status == OrderStatus.Released);
        var detail = await inventory.GetDetail();
        Assert.Equal((0L, 0L, 5L), (detail.BackorderDemand, detail.Available, detail.Allocated));
    }
}
