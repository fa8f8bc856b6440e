using Grid.Domain.Orders;
using static Grid.Tests.Domain.Orders.OrderBuilder;

namespace Grid.Tests.Domain.Orders;

[Trait("Category", "Domain")]
public sealed class SourcingPlannerTests
{
    private static SourcingLine Want(long quantity, string? location = null, string sku = "SKU-1", string lineId = "L1", params string[] excluded)
        => new(lineId, sku, quantity, location, excluded);

    [Fact]
    public void A_line_goes_to_the_first_location_by_priority_that_has_it_all()
    {
        var plan = SourcingPlanner.Plan([Want(5)], EastCandidates, allowSplit: false, Stock(("SKU-1@DC1", 2), ("SKU-1@DC2", 8), ("SKU-1@DC3", 9)));

        Assert.Equal([new SourcingLeg("L1", "DC2", 5)], plan.Legs);
        Assert.Empty(plan.Backorders);
    }

    [Fact]
    public void A_requested_location_is_the_only_one_looked_at()
    {
        var plan = SourcingPlanner.Plan([Want(5, location: "DC3")], EastCandidates, allowSplit: true, Stock(("SKU-1@DC1", 50), ("SKU-1@DC3", 3)));

        Assert.Equal([new SourcingLeg("L1", "DC3", 3)], plan.Legs);
        Assert.Equal([new SourcingBackorder("L1", "DC3", 2)], plan.Backorders);
    }

    [Fact]
    public void With_split_allowed_a_line_no_single_location_can_serve_is_split_in_priority_order()
    {
        var plan = SourcingPlanner.Plan([Want(10)], EastCandidates, allowSplit: true, Stock(("SKU-1@DC1", 4), ("SKU-1@DC2", 3), ("SKU-1@DC3", 9)));

        Assert.Equal([new SourcingLeg("L1", "DC1", 4), new SourcingLeg("L1", "DC2", 3), new SourcingLeg("L1", "DC3", 3)], plan.Legs);
        Assert.Empty(plan.Backorders);
    }

    [Fact]
    public void Without_split_a_line_takes_the_most_one_location_has_and_backorders_the_rest_there()
    {
        var plan = SourcingPlanner.Plan([Want(10)], EastCandidates, allowSplit: false, Stock(("SKU-1@DC1", 4), ("SKU-1@DC2", 6)));

        Assert.Equal([new SourcingLeg("L1", "DC2", 6)], plan.Legs);
        Assert.Equal([new SourcingBackorder("L1", "DC2", 4)], plan.Backorders);
    }

    [Fact]
    public void What_no_location_has_is_backordered_at_the_first_candidate()
    {
        var plan = SourcingPlanner.Plan([Want(10)], EastCandidates, allowSplit: true, Stock(("SKU-1@DC2", 4)));

        Assert.Equal([new SourcingLeg("L1", "DC2", 4)], plan.Legs);
        Assert.Equal([new SourcingBackorder("L1", "DC1", 6)], plan.Backorders);
    }

    [Fact]
    public void Earlier_lines_get_first_call_on_the_same_stock()
    {
        var plan = SourcingPlanner.Plan([Want(6, lineId: "L1"), Want(6, lineId: "L2")], ["DC1"], allowSplit: true, Stock(("SKU-1@DC1", 8)));

        Assert.Equal([new SourcingLeg("L1", "DC1", 6), new SourcingLeg("L2", "DC1", 2)], plan.Legs);
        Assert.Equal([new SourcingBackorder("L2", "DC1", 4)], plan.Backorders);
    }

    [Fact]
    public void An_excluded_location_is_never_sourced_from()
    {
        var plan = SourcingPlanner.Plan([Want(3, excluded: "DC1")], EastCandidates, allowSplit: true, Stock(("SKU-1@DC1", 50), ("SKU-1@DC3", 5)));

        Assert.Equal([new SourcingLeg("L1", "DC3", 3)], plan.Legs);
    }

    [Fact]
    public void A_line_with_no_requested_location_and_no_candidates_cannot_be_sourced()
    {
        var plan = SourcingPlanner.Plan([Want(3)], [], allowSplit: true, Stock(("SKU-1@DC1", 50)));

        Assert.Equal(["L1"], plan.Unsourceable);
        Assert.True(plan.IsEmpty);
    }
}
