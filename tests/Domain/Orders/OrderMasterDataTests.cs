using Grid.Domain.Orders;
using static Grid.Tests.Domain.Orders.OrderBuilder;

namespace Grid.Tests.Domain.Orders;

[Trait("Category", "Domain")]
public sealed class OrderMasterDataTests
{
    private static LocationRecord Location(string id, int priority, params string[] regions)
        => new(id, $"{id} warehouse", LocationType.Dc, regions, priority, T0);

    [Fact]
    public void Candidates_for_a_region_are_the_locations_serving_it_by_priority()
    {
        var directory = new LocationDirectory();
        directory.Upsert(Location("DC2", 2, "east", "north"));
        directory.Upsert(Location("DC1", 1, "east"));
        directory.Upsert(Location("DC3", 1, "west"));
        directory.Upsert(Location("ST1", 2, "EAST"));

        Assert.Equal(["DC1", "DC2", "ST1"], directory.Candidates("east").Select(l => l.Location));
    }

    [Fact]
    public void Storing_a_location_again_unchanged_changes_nothing_and_a_change_replaces_it()
    {
        var directory = new LocationDirectory();
        directory.Upsert(Location("DC1", 1, "east"));

        Assert.False(directory.Upsert(Location("DC1", 1, "east") with { UpdatedAt = T0.AddDays(1) }));
        Assert.True(directory.Upsert(Location("DC1", 5, "east")));
        Assert.Equal(5, Assert.Single(directory.Locations).Priority);
    }

    [Fact]
    public void An_older_credit_update_never_overrides_a_newer_one()
    {
        var credit = new CustomerCredit();
        Assert.True(credit.Apply(CreditStatus.Hold, "over limit", T0.AddHours(2), T0));

        Assert.False(credit.Apply(CreditStatus.Active, null, T0.AddHours(1), T0));

        Assert.Equal(CreditStatus.Hold, credit.Status);
    }

    [Fact]
    public void An_older_customer_group_update_never_overrides_a_newer_one_and_leaves_the_credit_alone()
    {
        var customer = new CustomerCredit();
        Assert.True(customer.ApplyGroup("gold", T0.AddHours(2)));

        Assert.False(customer.ApplyGroup("silver", T0.AddHours(1)));

        Assert.Equal(("gold", CreditStatus.Active), (customer.Group, customer.Status));
    }

    [Fact]
    public void A_shipment_is_delivered_once_a_delivery_is_recorded_whatever_arrives_late()
    {
        var shipment = new Shipment();
        shipment.Identify("S1");
        shipment.AddMilestone(new Milestone("m2", MilestoneType.Delivered, T0.AddDays(2), T0, ProofOfDelivery: "signed"));

        shipment.AddMilestone(new Milestone("m1", MilestoneType.InTransit, T0.AddDays(1), T0));

        Assert.Equal("delivered", shipment.Status);
        Assert.Equal(["m1", "m2"], shipment.Milestones.Select(m => m.EventId));
        Assert.False(shipment.AddMilestone(new Milestone("m1", MilestoneType.InTransit, T0.AddDays(1), T0)));
    }
}
