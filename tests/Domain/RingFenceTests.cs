using Grid.Domain;
using static Grid.Tests.Domain.InventoryBuilder;

namespace Grid.Tests.Domain;

[Trait("Category", "Domain")]
public sealed class RingFenceTests
{
    private static SkuLocationInventory FencedForWeb(long onHand, long webFence)
    {
        var inventory = WithOnHand(onHand);
        inventory.SetPolicy(0, new Dictionary<string, long> { ["web"] = webFence }, T0);
        return inventory;
    }

    [Fact]
    public void A_channel_can_use_its_own_fence_and_the_shared_pool()
    {
        var inventory = FencedForWeb(15, 10);

        Assert.Equal(15, inventory.AvailableFor("web"));
    }

    [Fact]
    public void Other_channels_cannot_use_a_fenced_quantity()
    {
        var inventory = FencedForWeb(15, 10);

        Assert.Equal(5, inventory.AvailableFor("store"));
        Assert.Equal(5, inventory.AvailableFor(null));
    }

    [Fact]
    public void A_reservation_by_another_channel_beyond_the_pool_is_refused()
    {
        var inventory = FencedForWeb(15, 10);

        var decision = inventory.Reserve("r1", 6, T0, channel: "store");

        Assert.Equal(DecisionCode.InsufficientStock, decision.Code);
        Assert.Equal(5, decision.Available);
    }

    [Fact]
    public void The_fenced_channel_draws_its_fence_down_first()
    {
        var inventory = FencedForWeb(15, 10);

        inventory.Reserve("r1", 4, T0, channel: "web");

        var hold = Assert.Single(inventory.RingFenceHolds());
        Assert.Equal((10, 4, 6), (hold.Fenced, hold.Used, hold.Remaining));
        Assert.Equal(11, inventory.AvailableFor("web"));
        Assert.Equal(5, inventory.AvailableFor("store"));
    }

    [Fact]
    public void A_fence_larger_than_stock_leaves_nothing_for_others()
    {
        var inventory = FencedForWeb(8, 10);

        Assert.Equal(8, inventory.AvailableFor("web"));
        Assert.Equal(0, inventory.AvailableFor("store"));
    }

    [Fact]
    public void Releasing_a_fenced_channels_reservation_gives_the_fence_back()
    {
        var inventory = FencedForWeb(15, 10);
        inventory.Reserve("r1", 10, T0, channel: "web");
        Assert.Equal(5, inventory.AvailableFor("store"));

        inventory.Release("r1", T0);

        Assert.Equal(0, Assert.Single(inventory.RingFenceHolds()).Used);
        Assert.Equal(5, inventory.AvailableFor("store"));
        Assert.Equal(15, inventory.AvailableFor("web"));
    }

    [Fact]
    public void A_negative_fence_is_refused_and_the_policy_is_unchanged()
    {
        var inventory = FencedForWeb(15, 10);

        var problem = inventory.SetPolicy(3, new Dictionary<string, long> { ["web"] = -1 }, T0);

        Assert.Equal("ringFences.web", problem?.Field);
        Assert.Equal(0, inventory.SafetyStock);
        Assert.Equal(10, inventory.RingFences["web"]);
    }
}
