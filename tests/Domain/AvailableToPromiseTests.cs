using Grid.Domain;
using static Grid.Tests.Domain.InventoryBuilder;

namespace Grid.Tests.Domain;

[Trait("Category", "Domain")]
public sealed class AvailableToPromiseTests
{
    [Fact]
    public void On_hand_is_available_when_nothing_else_holds_it()
    {
        var inventory = WithOnHand(100);

        Assert.Equal(100, inventory.AvailableFor(null));
    }

    [Fact]
    public void Damaged_units_are_on_hand_but_not_available()
    {
        var inventory = WithOnHand(100);
        inventory.Move(MovementKind.Damage, 7, T0);

        Assert.Equal(100, inventory.OnHand);
        Assert.Equal(7, inventory.Damaged);
        Assert.Equal(93, inventory.AvailableFor(null));
    }

    [Fact]
    public void Quarantined_units_are_not_available_until_released()
    {
        var inventory = WithOnHand(100);
        inventory.Move(MovementKind.Quarantine, 10, T0);
        Assert.Equal(90, inventory.AvailableFor(null));

        inventory.Move(MovementKind.ReleaseQuarantine, 4, T0);

        Assert.Equal(6, inventory.Quarantine);
        Assert.Equal(94, inventory.AvailableFor(null));
    }

    [Fact]
    public void Safety_stock_is_held_back_from_available()
    {
        var inventory = WithOnHand(100);

        inventory.SetPolicy(15, new Dictionary<string, long>(), T0);

        Assert.Equal(85, inventory.AvailableFor(null));
    }

    [Fact]
    public void Reserved_and_allocated_units_are_not_available()
    {
        var inventory = WithOnHand(100);
        inventory.Reserve("r1", 20, T0, orderId: "o1");
        inventory.Reserve("r2", 30, T0);
        inventory.Commit("r1", null, T0);

        Assert.Equal(30, inventory.Reserved);
        Assert.Equal(20, inventory.Allocated);
        Assert.Equal(50, inventory.AvailableFor(null));
    }

    [Fact]
    public void Available_never_goes_below_zero_but_the_raw_figure_shows_the_shortfall()
    {
        var inventory = WithOnHand(10);
        inventory.Reserve("r1", 10, T0);
        inventory.Move(MovementKind.Adjustment, -4, T0);

        Assert.Equal(0, inventory.AvailableFor(null));
        Assert.Equal(-4, inventory.AvailableRaw);
    }

    [Fact]
    public void Every_bucket_combines_in_one_figure()
    {
        var inventory = WithOnHand(200);
        inventory.Move(MovementKind.Damage, 5, T0);
        inventory.Move(MovementKind.Quarantine, 10, T0);
        inventory.SetPolicy(20, new Dictionary<string, long>(), T0);
        inventory.Reserve("r1", 15, T0, orderId: "o1");
        inventory.Reserve("r2", 25, T0);
        inventory.Commit("r1", null, T0);

        // 200 on hand − 5 damaged − 10 quarantine − 20 safety − 25 reserved − 15 allocated
        Assert.Equal(125, inventory.AvailableFor(null));
        Assert.Equal(165, inventory.Sellable);
    }
}
