using Grid.Domain.Orders;
using static Grid.Tests.Domain.Orders.OrderBuilder;

namespace Grid.Tests.Domain.Orders;

[Trait("Category", "Domain")]
public sealed class OrderSourcingTests
{
    [Fact]
    public void A_split_order_is_allocated_across_locations_and_released()
    {
        var order = Submitted(allowSplit: true).Sourced(Stock(("SKU-1@DC1", 4), ("SKU-1@DC2", 6)));

        Assert.Equal(OrderStatus.Released, order.Status);
        Assert.Equal(4, order.Lines[0].Allocated["DC1"]);
        Assert.Equal(6, order.Lines[0].Allocated["DC2"]);
    }

    [Fact]
    public void A_partly_available_order_with_split_allowed_releases_what_it_has()
    {
        var order = Submitted(allowSplit: true).Sourced(Stock(("SKU-1@DC2", 4)));

        Assert.Equal([OrderStatus.Submitted, OrderStatus.PartiallyBackordered, OrderStatus.Released], order.Path());
        Assert.Equal(6, order.Lines[0].Backorders["DC1"].Quantity);
    }

    [Fact]
    public void A_partly_available_order_without_split_waits_partially_backordered()
    {
        var order = Submitted(allowSplit: false).Sourced(Stock(("SKU-1@DC2", 4)));

        Assert.Equal(OrderStatus.PartiallyBackordered, order.Status);
        Assert.Equal(4, order.Lines[0].Allocated["DC2"]);
        Assert.Equal(6, order.Lines[0].Backorders["DC2"].Quantity);
        Assert.Empty(order.Audit());
    }

    [Fact]
    public void An_order_with_nothing_available_is_backordered()
    {
        var order = Submitted().Sourced(Stock());

        Assert.Equal(OrderStatus.Backordered, order.Status);
        Assert.Equal(10, order.Lines[0].Backordered);
    }

    [Fact]
    public void A_leg_granted_less_than_planned_backorders_the_rest_at_that_location()
    {
        var order = Submitted();
        order.AdoptPlan(SourcingPlanner.Plan(order.SourcingRequest(), EastCandidates, false, Stock(("SKU-1@DC1", 10))), T0);

        order.ApplySourcing([new LegResult(order.Plan[0].ReservationId, 7)], T0, "sourced");

        Assert.Equal(OrderStatus.PartiallyBackordered, order.Status);
        Assert.Equal(7, order.Lines[0].Allocated["DC1"]);
        Assert.Equal(3, order.Lines[0].Backorders["DC1"].Quantity);
    }

    [Fact]
    public void An_order_for_a_customer_on_credit_hold_keeps_its_allocations_and_is_not_released()
    {
        var order = Submitted();
        order.ApplyCredit(CreditStatus.Hold, "over limit", T0);

        order.Sourced(Stock(("SKU-1@DC1", 10)));

        Assert.Equal(OrderStatus.OnHold, order.Status);
        Assert.Equal(10, order.Lines[0].Allocated["DC1"]);
        Assert.Contains("over limit", order.Timeline[^1].Cause, StringComparison.Ordinal);
    }

    [Fact]
    public void The_release_of_a_credit_hold_releases_the_order()
    {
        var order = Submitted();
        order.ApplyCredit(CreditStatus.Hold, "over limit", T0);
        order.Sourced(Stock(("SKU-1@DC1", 10)));

        order.ApplyCredit(CreditStatus.Active, null, T0.AddHours(1));

        Assert.Equal([OrderStatus.Submitted, OrderStatus.OnHold, OrderStatus.Accepted, OrderStatus.Released], order.Path());
        Assert.Contains("credit released", order.Timeline[2].Cause, StringComparison.Ordinal);
    }

    [Fact]
    public void The_release_of_a_credit_hold_on_a_backordered_order_leaves_it_backordered()
    {
        var order = Submitted();
        order.ApplyCredit(CreditStatus.Hold, null, T0);
        order.Sourced(Stock());

        order.ApplyCredit(CreditStatus.Active, null, T0);

        Assert.Equal(OrderStatus.Backordered, order.Status);
    }

    [Fact]
    public void A_credit_hold_arriving_while_backordered_puts_the_order_on_hold()
    {
        var order = Submitted().Sourced(Stock());

        order.ApplyCredit(CreditStatus.Hold, "unpaid invoices", T0);

        Assert.Equal(OrderStatus.OnHold, order.Status);
    }

    [Fact]
    public void A_credit_hold_after_release_does_not_take_the_order_back()
    {
        var order = Released();

        order.ApplyCredit(CreditStatus.Hold, null, T0);

        Assert.Equal(OrderStatus.Released, order.Status);
    }

    [Fact]
    public void A_submitted_order_with_a_line_no_location_serves_is_rejected_naming_the_line()
    {
        var order = Submitted();

        var verdict = order.TakePlan(SourcingPlanner.Plan(order.SourcingRequest(), [], false, Stock()), T0);

        Assert.Equal(PlanOutcome.Rejected, verdict.Outcome);
        Assert.Equal(OrderStatus.Rejected, order.Status);
        Assert.Contains("L1", order.RejectionReason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_accepted_order_whose_line_has_nowhere_to_look_stands_unchanged()
    {
        var order = Submitted().Sourced(Stock());
        var version = order.Version;

        var verdict = order.TakePlan(new SourcingPlan([], [], ["L1"]), T0);

        Assert.Equal(PlanOutcome.Unsourceable, verdict.Outcome);
        Assert.Equal((OrderStatus.Backordered, version), (order.Status, order.Version));
    }

    [Fact]
    public void A_plan_that_serves_every_line_is_taken()
    {
        var order = Submitted();

        var verdict = order.TakePlan(SourcingPlanner.Plan(order.SourcingRequest(), EastCandidates, false, Stock(("SKU-1@DC1", 10))), T0);

        Assert.Equal(new PlanVerdict(PlanOutcome.Adopted, null), verdict);
        Assert.Single(order.Plan);
    }
}
