using Grid.Domain.Orders;
using static Grid.Tests.Domain.Orders.OrderBuilder;

namespace Grid.Tests.Domain.Orders;

[Trait("Category", "Domain")]
public sealed class OrderFulfilmentTests
{
    [Fact]
    public void The_first_pick_starts_picking_and_moves_units_from_allocated_to_picked()
    {
        var order = Released();

        order.Pick(4);

        Assert.Equal(OrderStatus.Picking, order.Status);
        Assert.Equal(6, order.Lines[0].Allocated["DC1"]);
        Assert.Equal(4, order.Lines[0].Picked["DC1"]);
        Assert.Empty(order.Audit());
    }

    [Fact]
    public void The_same_warehouse_event_twice_changes_the_order_once()
    {
        var order = Released();
        var eventKey = NextEvent();
        order.ApplyPick(eventKey, "L1", "SKU-1", "DC1", 4, T0);

        var again = order.ApplyPick(eventKey, "L1", "SKU-1", "DC1", 4, T0);

        Assert.Equal(OrderOutcome.Unchanged, again.Outcome);
        Assert.Equal(4, order.Lines[0].Picked["DC1"]);
    }

    [Fact]
    public void A_partial_shipment_leaves_the_order_partially_shipped()
    {
        var order = Released();
        order.Pick(10);

        order.Ship("S1", 6);

        Assert.Equal(OrderStatus.PartiallyShipped, order.Status);
        Assert.Equal(6, order.Lines[0].Shipped);
        Assert.Equal(4, order.Lines[0].Picked["DC1"]);
        Assert.Empty(order.Audit());
    }

    [Fact]
    public void The_last_shipment_ships_the_order()
    {
        var order = Released();
        order.Pick(10);
        order.Ship("S1", 6);

        order.Ship("S2", 4);

        Assert.Equal([OrderStatus.Submitted, OrderStatus.Accepted, OrderStatus.Released, OrderStatus.Picking, OrderStatus.PartiallyShipped, OrderStatus.Shipped], order.Path());
    }

    [Fact]
    public void Units_shipped_without_a_pick_event_are_taken_off_hand_as_a_pick()
    {
        var order = Released();

        order.Ship("S1", 10);

        Assert.Equal(OrderStatus.Shipped, order.Status);
        var pick = Assert.Single(order.PendingPicks);
        Assert.Equal(("SKU-1", "DC1", 10L, StockEffect.Pick), (pick.Sku, pick.Location, pick.Quantity, pick.Effect));
        Assert.Equal(10, Assert.Single(order.PendingReleases).Quantity);
    }

    [Fact]
    public void A_pick_takes_all_it_picked_off_hand_and_gives_back_exactly_the_allocation_it_took()
    {
        var order = Released();

        order.Pick(12);

        Assert.Equal(12, Assert.Single(order.PendingPicks).Quantity);
        var release = Assert.Single(order.PendingReleases);
        Assert.Equal(("SKU-1", "DC1", 10L), (release.Sku, release.Location, release.Quantity));
    }

    [Fact]
    public void A_short_pick_of_units_the_order_does_not_know_it_holds_takes_them_off_hand_and_gives_nothing_back()
    {
        var order = Submitted().Sourced(Stock());

        order.ApplyShortPick(NextEvent(), "L1", "SKU-1", "DC1", 3, T0);

        Assert.Equal(StockEffect.ShortPick, Assert.Single(order.PendingPicks).Effect);
        Assert.Empty(order.PendingReleases);
        Assert.Equal(10, order.Lines[0].Backordered);
    }

    [Fact]
    public void A_pick_for_a_cancelled_order_still_takes_the_units_off_hand()
    {
        var order = Released();
        order.Cancel("no longer needed", T0);

        order.Pick(2);

        Assert.Equal(2, Assert.Single(order.PendingPicks).Quantity);
        Assert.Equal(OrderExceptionKind.UnexpectedWarehouseEvent, Assert.Single(order.Exceptions).Kind);
    }

    [Fact]
    public void A_shipment_beyond_what_the_line_had_open_is_recorded_and_raised()
    {
        var order = Released();

        order.Ship("S1", 12);

        Assert.Equal(10, order.Lines[0].Shipped);
        Assert.Equal(2, order.Lines[0].OverShipped);
        Assert.Equal(OrderExceptionKind.OverShipment, Assert.Single(order.Exceptions).Kind);
    }

    [Fact]
    public void Delivery_of_every_shipment_delivers_the_order_and_the_invoice_closes_it()
    {
        var order = Released();
        order.Ship("S1", 10);

        order.RecordDelivery("S1", T0.AddDays(2), "signed: J. Doe", T0.AddDays(2));
        Assert.Equal(OrderStatus.Delivered, order.Status);
        order.PostInvoice("INV-1", null, T0.AddDays(3), T0.AddDays(3));

        Assert.Equal([OrderStatus.Shipped, OrderStatus.Delivered, OrderStatus.Invoiced, OrderStatus.Closed], order.Path().TakeLast(4));
        Assert.Equal(10, order.Lines[0].Invoiced);
    }

    [Fact]
    public void An_invoice_posted_before_delivery_closes_the_order_on_delivery()
    {
        var order = Released();
        order.Ship("S1", 10);
        order.PostInvoice("INV-1", null, T0, T0);
        Assert.Equal(OrderStatus.Shipped, order.Status);

        order.RecordDelivery("S1", T0.AddDays(1), null, T0.AddDays(1));

        Assert.Equal(OrderStatus.Closed, order.Status);
    }

    [Fact]
    public void A_short_pick_frees_the_missing_units_for_sourcing_elsewhere_and_raises_an_exception()
    {
        var order = Released(allowSplit: true);

        order.ApplyShortPick(NextEvent(), "L1", "SKU-1", "DC1", 3, T0);

        Assert.Equal(OrderStatus.Picking, order.Status);
        Assert.Equal(7, order.Lines[0].Allocated["DC1"]);
        Assert.Equal(3, order.Lines[0].Unsourced);
        Assert.Equal(["DC1"], order.Lines[0].ExcludedLocations);
        var exception = Assert.Single(order.Exceptions);
        Assert.Equal((OrderExceptionKind.ShortPick, "L1", "DC1"), (exception.Kind, exception.LineId, exception.Location));
        Assert.Empty(order.Audit());
    }

    [Fact]
    public void Units_a_short_pick_freed_are_sourced_from_another_location()
    {
        var order = Released(allowSplit: true);
        order.ApplyShortPick(NextEvent(), "L1", "SKU-1", "DC1", 3, T0);

        order.Sourced(Stock(("SKU-1@DC1", 40), ("SKU-1@DC2", 5)));

        Assert.Equal(3, order.Lines[0].Allocated["DC2"]);
        Assert.Equal(0, order.Lines[0].Unsourced);
    }

    [Fact]
    public void Units_a_short_pick_freed_are_backordered_when_no_other_location_has_them()
    {
        var order = Released(allowSplit: true);
        order.ApplyShortPick(NextEvent(), "L1", "SKU-1", "DC1", 3, T0);

        order.Sourced(Stock(("SKU-1@DC1", 40)));

        Assert.Equal(3, order.Lines[0].Backorders["DC1"].Quantity);
        Assert.Equal(OrderStatus.Picking, order.Status);
        Assert.Empty(order.Audit());
    }

    [Fact]
    public void A_backorder_fill_allocates_and_releases_the_order()
    {
        var order = Submitted().Sourced(Stock());

        order.ApplyBackorderFill("SKU-1", "DC1", 1, "L1", 10, T0);

        Assert.Equal([OrderStatus.Submitted, OrderStatus.Backordered, OrderStatus.Accepted, OrderStatus.Released], order.Path());
        Assert.Equal(10, order.Lines[0].Allocated["DC1"]);
    }

    [Fact]
    public void A_fill_applied_twice_counts_once()
    {
        var order = Submitted().Sourced(Stock());
        order.ApplyBackorderFill("SKU-1", "DC1", 1, "L1", 4, T0);

        order.ApplyBackorderFill("SKU-1", "DC1", 1, "L1", 4, T0);

        Assert.Equal(4, order.Lines[0].Allocated["DC1"]);
        Assert.Equal(OrderStatus.PartiallyBackordered, order.Status);
    }

    [Fact]
    public void A_fill_for_a_cancelled_order_is_given_back()
    {
        var order = Submitted().Sourced(Stock());
        order.Cancel("customer changed their mind", T0);

        order.ApplyBackorderFill("SKU-1", "DC1", 1, "L1", 10, T0);

        var release = Assert.Single(order.PendingReleases);
        Assert.Equal(("SKU-1", "DC1", 10L), (release.Sku, release.Location, release.Quantity));
    }

    [Fact]
    public void Cancelling_gives_back_allocations_withdraws_backorders_and_says_why()
    {
        var order = Submitted(allowSplit: true).Sourced(Stock(("SKU-1@DC2", 4)));

        var decision = order.Cancel("customer changed their mind", T0);

        Assert.Equal(OrderOutcome.Changed, decision.Outcome);
        Assert.Equal(OrderStatus.Cancelled, order.Status);
        Assert.Equal("customer changed their mind", order.Timeline[^1].Cause);
        Assert.Equal([new AllocationRelease("order:O-1/cancel/L1/DC2", "SKU-1", "DC2", 4)], order.PendingReleases);
        Assert.Equal([new BackorderWithdrawal("L1", "SKU-1", "DC1")], order.PendingWithdrawals);
        Assert.Equal(10, order.Lines[0].Cancelled);
        Assert.Empty(order.Audit());
    }

    [Fact]
    public void Cancelling_after_picking_raises_the_picked_units_for_put_away()
    {
        var order = Released();
        order.Pick(4);

        order.Cancel("fraud suspected", T0);

        Assert.Equal(OrderExceptionKind.PickedUnitsOnCancel, Assert.Single(order.Exceptions).Kind);
        Assert.Equal([4L, 6L], order.PendingReleases.Select(r => r.Quantity));
    }

    [Fact]
    public void Cancelling_the_rest_of_a_partially_shipped_order_leaves_it_shipped()
    {
        var order = Released();
        order.Ship("S1", 6);

        order.Cancel("rest no longer needed", T0);

        Assert.Equal(OrderStatus.Shipped, order.Status);
        Assert.Equal(4, order.Lines[0].Cancelled);
        Assert.Empty(order.Audit());
    }

    [Fact]
    public void Cancelling_twice_answers_the_same()
    {
        var order = Released();
        order.Cancel("no longer needed", T0);

        Assert.Equal(OrderOutcome.Unchanged, order.Cancel("no longer needed", T0).Outcome);
        Assert.Equal(10, Assert.Single(order.PendingReleases).Quantity);
    }
}
