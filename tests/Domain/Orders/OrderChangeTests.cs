using Grid.Domain.Orders;
using Grid.Domain.Outbound;
using static Grid.Tests.Domain.Orders.OrderBuilder;

namespace Grid.Tests.Domain.Orders;

/// <summary>Order changes after submission: a line cancelled or reduced, and the requested delivery date.</summary>
[Trait("Category", "Domain")]
public sealed class OrderChangeTests
{
    [Fact]
    public void Reducing_a_released_line_gives_back_what_the_cancelled_units_held()
    {
        var order = Released();

        Assert.Equal(OrderOutcome.Changed, order.ReduceLine("L1", 6, "fewer wanted", T0).Outcome);

        var release = Assert.Single(order.PendingReleases);
        Assert.Equal(("DC1", 4L), (release.Location, release.Quantity));
        Assert.Equal((6L, 4L, OrderStatus.Released), (order.Lines[0].AllocatedTotal, order.Lines[0].Cancelled, order.Status));
        Assert.Empty(order.Audit());
    }

    [Fact]
    public void Reducing_to_the_quantity_the_line_has_answers_the_same()
    {
        var order = Released();
        order.ReduceLine("L1", 6, "fewer wanted", T0);

        Assert.Equal(OrderOutcome.Unchanged, order.ReduceLine("L1", 6, "fewer wanted", T0).Outcome);
        Assert.Single(order.PendingReleases);
    }

    [Fact]
    public void A_line_cannot_be_increased()
        => Assert.Equal(("quantity", OrderOutcome.Invalid), Field(Released().ReduceLine("L1", 11, "more", T0)));

    [Fact]
    public void A_line_cannot_go_below_what_is_picked()
    {
        var order = Released();
        order.Pick(5);

        Assert.Equal(OrderOutcome.Refused, order.ReduceLine("L1", 4, "fewer", T0).Outcome);
    }

    [Fact]
    public void Backordered_units_are_cancelled_before_allocated_ones()
    {
        var order = Submitted(allowSplit: true).Sourced(Stock(("SKU-1@DC1", 6)));
        var backorderedAt = order.Lines[0].Backorders.Keys.Single();

        order.ReduceLine("L1", 7, "fewer", T0);

        Assert.Equal((6L, 1L), (order.Lines[0].AllocatedTotal, order.Lines[0].Backorders[backorderedAt].Quantity));
        Assert.Empty(order.PendingReleases);
    }

    [Fact]
    public void Cancelling_the_only_line_cancels_the_order()
    {
        var order = Released();

        order.CancelLine("L1", "not wanted", T0);

        Assert.Equal((OrderStatus.Cancelled, 10L), (order.Status, order.Lines[0].Cancelled));
    }

    [Fact]
    public void Cancelling_the_backordered_line_releases_the_rest()
    {
        var order = Submitted(false, Line("L1", "SKU-1", 5), Line("L2", "SKU-2", 5)).Sourced(Stock(("SKU-1@DC1", 5)));
        Assert.Equal(OrderStatus.PartiallyBackordered, order.Status);

        order.CancelLine("L2", "not wanted", T0);

        Assert.Equal(OrderStatus.Released, order.Status);
    }

    [Fact]
    public void A_line_picked_in_full_cannot_be_cancelled()
    {
        var order = Released();
        order.Pick(10);

        Assert.Equal(OrderOutcome.Refused, order.CancelLine("L1", "late", T0).Outcome);
    }

    [Fact]
    public void Cancelling_the_rest_of_a_partly_shipped_line_again_answers_the_same()
    {
        var order = Released();
        order.Pick(4);
        order.Ship("S-1", 4);
        Assert.Equal(OrderOutcome.Changed, order.CancelLine("L1", "rest not wanted", T0).Outcome);

        Assert.Equal(OrderOutcome.Unchanged, order.CancelLine("L1", "rest not wanted", T0).Outcome);
        Assert.Equal((6L, OrderStatus.Shipped), (order.Lines[0].Cancelled, order.Status));
    }

    [Fact]
    public void A_change_publishes_order_changed_with_its_cause()
    {
        var order = Released();

        order.ReduceLine("L1", 6, "fewer wanted", T0);

        Assert.Equal(OutboundEventTypes.OrderChanged.Type, order.Outbox.Entries[^1].Event.Type);
    }

    [Fact]
    public void An_unknown_line_is_named()
        => Assert.Equal(("lineId", OrderOutcome.Invalid), Field(Released().CancelLine("L9", "x", T0)));

    [Fact]
    public void A_line_promised_after_the_requested_delivery_date_is_flagged_once()
    {
        var order = WithRequestedDate(T0.AddDays(3));

        order.MarkQueued("L1", "DC1", 10, T0.AddDays(5), T0);
        order.MarkQueued("L1", "DC1", 10, T0.AddDays(5), T0);

        var exception = Assert.Single(order.Exceptions);
        Assert.Equal((OrderExceptionKind.RequestedDateMissed, "L1"), (exception.Kind, exception.LineId));
        Assert.True(order.Lines[0].IsLateFor(order.RequestedDeliveryDate));
    }

    [Fact]
    public void A_line_promised_by_the_requested_delivery_date_is_not_flagged()
    {
        var order = WithRequestedDate(T0.AddDays(7));

        order.MarkQueued("L1", "DC1", 10, T0.AddDays(5), T0);

        Assert.Empty(order.Exceptions);
        Assert.False(order.Lines[0].IsLateFor(order.RequestedDeliveryDate));
    }

    [Fact]
    public void A_backorder_with_no_supply_to_promise_it_misses_the_requested_date()
    {
        var order = WithRequestedDate(T0.AddDays(7));

        order.MarkQueued("L1", "DC1", 10, null, T0);

        Assert.Equal(OrderExceptionKind.RequestedDateMissed, Assert.Single(order.Exceptions).Kind);
    }

    private static Order WithRequestedDate(DateTimeOffset requested)
        => Order.Submit(Submission() with { RequestedDeliveryDate = requested }, T0).Sourced(Stock());

    private static (string?, OrderOutcome) Field(OrderDecision decision) => (decision.Field, decision.Outcome);
}
