using Grid.Domain;
using Grid.Domain.Orders;
using static Grid.Tests.Domain.InventoryBuilder;

namespace Grid.Tests.Domain;

/// <summary>
/// Supply is promised once: ATP for a date is net of the units backorders wait for, and stock that arrives while they
/// wait is held for them in the step that applies it.
/// </summary>
[Trait("Category", "Domain")]
public sealed class SupplyPromisedOnceTests
{
    private static readonly DateTimeOffset Dec1 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Dec15 = new(2026, 12, 15, 8, 0, 0, TimeSpan.Zero);

    private static SkuLocationInventory WithSupply(long onHand, params (string Reference, long Quantity, DateTimeOffset Eta)[] supply)
    {
        var inventory = WithOnHand(onHand);
        foreach (var (reference, quantity, eta) in supply)
        {
            inventory.Move(MovementKind.InboundExpected, quantity, T0, reference: reference, eta: eta);
        }

        return inventory;
    }

    private static ReservationDecision ReserveForBackorders(SkuLocationInventory inventory, string id, long quantity)
        => inventory.Reserve(new ReserveRequest(id, "web", quantity, null, AllowPartial: true, OrderId: "O-1", ForBackorders: true), T0, InventoryRules.Default);

    [Fact]
    public void Supply_promised_to_backorders_adds_nothing_to_atp_for_its_date()
    {
        var inventory = WithSupply(0, ("PO-1", 10, Dec1));

        inventory.WatchBackorders(10, T0);

        Assert.Equal(0, inventory.AvailableFor(null, Dec1));
    }

    [Fact]
    public void Supply_beyond_what_backorders_wait_for_is_available_for_its_date()
    {
        var inventory = WithSupply(0, ("PO-1", 10, Dec1), ("PO-2", 20, Dec15));

        inventory.WatchBackorders(4, T0);

        Assert.Equal((6L, 26L), (inventory.AvailableFor(null, Dec1), inventory.AvailableFor(null, Dec15)));
    }

    [Fact]
    public void Backorders_the_earlier_supply_does_not_cover_take_the_later_supply_first()
    {
        var inventory = WithSupply(0, ("PO-1", 10, Dec1), ("PO-2", 20, Dec15));

        inventory.WatchBackorders(15, T0);

        Assert.Equal((0L, 15L), (inventory.AvailableFor(null, Dec1), inventory.AvailableFor(null, Dec15)));
    }

    [Fact]
    public void Stock_that_arrives_while_backorders_wait_is_held_for_them()
    {
        var inventory = WithSupply(0);
        inventory.WatchBackorders(6, T0);

        inventory.Receive(10, T0);

        Assert.Equal((6L, 4L), (inventory.HeldForBackorders, inventory.AvailableFor(null)));
    }

    [Fact]
    public void A_reservation_cannot_take_stock_held_for_backorders()
    {
        var inventory = WithSupply(0);
        inventory.WatchBackorders(10, T0);
        inventory.Receive(10, T0);

        var decision = inventory.Reserve("cart-1", 1, T0);

        Assert.Equal((DecisionCode.InsufficientStock, 0L), (decision.Code, decision.Available));
    }

    [Fact]
    public void The_backorder_queue_takes_the_stock_held_for_it_and_the_hold_goes_with_it()
    {
        var inventory = WithSupply(0);
        inventory.WatchBackorders(10, T0);
        inventory.Receive(12, T0);

        var decision = ReserveForBackorders(inventory, "backorder:1", 10);

        Assert.Equal((DecisionCode.Created, 10L), (decision.Code, decision.Reservation!.Quantity));
        Assert.Equal((0L, 0L, 2L), (inventory.BackorderDemand, inventory.HeldForBackorders, inventory.AvailableFor(null)));
    }

    [Fact]
    public void Stock_ring_fenced_for_a_channel_is_not_held_for_backorders()
    {
        var inventory = WithOnHand(10);
        inventory.SetPolicy(0, new Dictionary<string, long> { ["store"] = 4 }, T0);

        inventory.WatchBackorders(10, T0);

        Assert.Equal((6L, 4L), (inventory.HeldForBackorders, inventory.AvailableFor("store")));
    }

    [Fact]
    public void The_backorder_demand_survives_a_reload()
    {
        var inventory = WithSupply(0, ("PO-1", 10, Dec1));
        inventory.WatchBackorders(10, T0);

        var reloaded = System.Text.Json.JsonSerializer.Deserialize<SkuLocationInventory>(System.Text.Json.JsonSerializer.Serialize(inventory))!;

        Assert.Equal((10L, 0L), (reloaded.BackorderDemand, reloaded.AvailableFor(null, Dec1)));
    }

    [Fact]
    public void The_queue_tells_its_location_how_many_units_its_entries_wait_for()
    {
        var queue = new BackorderQueue();
        queue.Enqueue("A", "L1", "web", 5, T0);
        queue.MarkWatched(queue.Demand);

        queue.Enqueue("B", "L1", "web", 3, T0);

        Assert.Equal((true, 8L), (queue.WatchOutOfStep, queue.Demand));
    }

    [Fact]
    public void A_fill_that_did_not_complete_makes_the_queue_tell_its_location_again()
    {
        var queue = new BackorderQueue();
        queue.Enqueue("A", "L1", "web", 5, T0);
        queue.MarkWatched(queue.Demand);

        queue.MarkWatchStale();

        Assert.True(queue.WatchOutOfStep);
    }
}
