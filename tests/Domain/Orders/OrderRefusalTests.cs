using Grid.Domain.Orders;
using static Grid.Tests.Domain.Orders.OrderBuilder;

namespace Grid.Tests.Domain.Orders;

/// <summary>Commands the lifecycle does not allow are refused with the order's current status named, and change nothing.</summary>
[Trait("Category", "Domain")]
public sealed class OrderRefusalTests
{
    [Fact]
    public void A_shipped_order_cannot_be_cancelled()
    {
        var order = Released();
        order.Ship("S1", 10);
        var version = order.Version;

        var decision = order.Cancel("too late", T0);

        Assert.Equal(OrderOutcome.Refused, decision.Outcome);
        Assert.Contains("is shipped", decision.Detail, StringComparison.Ordinal);
        Assert.Equal(version, order.Version);
    }

    [Fact]
    public void A_rejected_order_cannot_be_cancelled()
    {
        var order = Submitted();
        order.Reject("no location", T0);

        var decision = order.Cancel("why not", T0);

        Assert.Equal(OrderOutcome.Refused, decision.Outcome);
        Assert.Contains("is rejected", decision.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_closed_order_cannot_be_cancelled()
    {
        var order = Released();
        order.Ship("S1", 10);
        order.RecordDelivery("S1", T0, null, T0);
        order.PostInvoice("INV-1", null, T0, T0);

        Assert.Contains("is closed", order.Cancel("late", T0).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void An_invoice_before_anything_shipped_is_refused()
    {
        var order = Released();

        var decision = order.PostInvoice("INV-1", null, T0, T0);

        Assert.Equal(OrderOutcome.Refused, decision.Outcome);
        Assert.Contains("is released", decision.Detail, StringComparison.Ordinal);
        Assert.Empty(order.Invoices);
    }

    [Fact]
    public void An_invoice_id_reused_with_other_lines_is_a_conflict()
    {
        var order = Released();
        order.Ship("S1", 10);
        order.PostInvoice("INV-1", [new InvoiceLine("L1", 10)], T0, T0);

        var decision = order.PostInvoice("INV-1", [new InvoiceLine("L1", 5)], T0, T0);

        Assert.Equal(OrderOutcome.Conflict, decision.Outcome);
        Assert.Equal("lines", decision.Field);
    }

    [Fact]
    public void An_invoice_naming_an_unknown_line_is_invalid_naming_the_field()
    {
        var order = Released();
        order.Ship("S1", 10);

        var decision = order.PostInvoice("INV-1", [new InvoiceLine("L1", 5), new InvoiceLine("L9", 1)], T0, T0);

        Assert.Equal(OrderOutcome.Invalid, decision.Outcome);
        Assert.Equal("lines[1].lineId", decision.Field);
    }

    [Fact]
    public void A_return_before_anything_shipped_is_refused()
    {
        var order = Released();

        var decision = order.AuthorizeReturn("RMA-1", [new ReturnLineRequest("L1", 1)], T0);

        Assert.Equal(OrderOutcome.Refused, decision.Outcome);
        Assert.Contains("is released", decision.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pick_for_an_order_on_hold_is_applied_and_raised()
    {
        var order = Submitted();
        order.ApplyCredit(CreditStatus.Hold, null, T0);
        order.Sourced(Stock(("SKU-1@DC1", 10)));

        order.Pick(2);

        Assert.Equal(OrderStatus.OnHold, order.Status);
        Assert.Equal(OrderExceptionKind.UnexpectedWarehouseEvent, Assert.Single(order.Exceptions).Kind);
        Assert.Equal(2, order.Lines[0].Picked["DC1"]);
    }

    [Fact]
    public void A_pick_for_a_line_the_order_does_not_have_is_raised_and_changes_no_line()
    {
        var order = Released();

        order.Pick(2, lineId: "L9");

        Assert.Equal(OrderExceptionKind.UnexpectedWarehouseEvent, Assert.Single(order.Exceptions).Kind);
        Assert.Equal(10, order.Lines[0].Allocated["DC1"]);
    }

    [Fact]
    public void A_pick_beyond_the_allocation_is_raised_as_an_over_pick()
    {
        var order = Released();

        order.Pick(12);

        Assert.Equal(OrderExceptionKind.OverPick, Assert.Single(order.Exceptions).Kind);
        Assert.Equal(10, order.Lines[0].Picked["DC1"]);
    }
}
