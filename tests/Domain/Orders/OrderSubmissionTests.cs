using Grid.Domain.Orders;
using static Grid.Tests.Domain.Orders.OrderBuilder;

namespace Grid.Tests.Domain.Orders;

[Trait("Category", "Domain")]
public sealed class OrderSubmissionTests
{
    [Fact]
    public void A_submitted_order_starts_its_timeline_with_the_submission()
    {
        var order = Submitted();

        Assert.Equal(OrderStatus.Submitted, order.Status);
        var entry = Assert.Single(order.Timeline);
        Assert.Equal(new TimelineEntry(T0, null, OrderStatus.Submitted, entry.Cause), entry);
        Assert.Contains("web", entry.Cause, StringComparison.Ordinal);
        Assert.Equal(10, order.Lines[0].Unsourced);
    }

    [Fact]
    public void The_same_submission_again_is_recognised_as_the_same_order()
    {
        var order = Submitted();

        Assert.Equal(OrderOutcome.Unchanged, order.CheckResubmission(Submission()).Outcome);
    }

    [Fact]
    public void A_different_submission_under_the_same_id_is_a_conflict_naming_what_differs()
    {
        var order = Submitted();

        var decision = order.CheckResubmission(Submission(lines: Line("L1", "SKU-1", 11)));

        Assert.Equal(OrderOutcome.Conflict, decision.Outcome);
        Assert.Equal("lines[0]", decision.Field);
    }

    [Fact]
    public void A_rejected_order_cancels_every_unit_and_says_why()
    {
        var order = Submitted();

        order.Reject("no location serves region 'mars'", T0);

        Assert.Equal(OrderStatus.Rejected, order.Status);
        Assert.Equal("no location serves region 'mars'", order.Timeline[^1].Cause);
        Assert.Equal(10, order.Lines[0].Cancelled);
        Assert.Empty(order.Audit());
    }

    [Fact]
    public void An_order_fully_allocated_with_credit_active_is_accepted_then_released()
    {
        var order = Released();

        Assert.Equal([OrderStatus.Submitted, OrderStatus.Accepted, OrderStatus.Released], order.Path());
        Assert.Equal(10, order.Lines[0].Allocated["DC1"]);
        Assert.Empty(order.Audit());
    }

    [Fact]
    public void Each_planned_leg_gets_a_reservation_id_of_its_own_round()
    {
        var order = Submitted(allowSplit: true);
        var plan = SourcingPlanner.Plan(order.SourcingRequest(), EastCandidates, true, Stock(("SKU-1@DC1", 4), ("SKU-1@DC2", 6)));

        order.AdoptPlan(plan, T0);

        Assert.Equal(["order:O-1/L1/DC1/1", "order:O-1/L1/DC2/1"], order.Plan.Select(l => l.ReservationId));
        Assert.Equal(OrderStatus.Submitted, order.Status);
    }
}
