using Grid.Domain;
using Grid.Domain.Quotas;
using static Grid.Tests.Domain.InventoryBuilder;

namespace Grid.Tests.Domain;

/// <summary>Product allocation: quotas per channel or customer group for a period, and an everyone-else share.</summary>
[Trait("Category", "Domain")]
public sealed class ProductAllocationTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    private static AllocationPolicy Launch(long web = 10, long gold = 5, long everyoneElse = 2, string? location = null) => new(
        "launch", location, T0, T0.AddDays(7),
        [new QuotaRow(QuotaAudience.Channel, "web", web), new QuotaRow(QuotaAudience.CustomerGroup, "gold", gold)], everyoneElse);

    private static ProductAllocation With(AllocationPolicy policy)
    {
        var allocation = new ProductAllocation();
        Assert.Null(allocation.SetPolicy(policy));
        return allocation;
    }

    private static QuotaDemand Demand(string grantId, long quantity, string channel = "web", string? group = null, bool allowPartial = false, string location = "DC1")
        => new(grantId, location, channel, group, quantity, allowPartial);

    [Fact]
    public void A_customer_group_row_wins_over_the_channel_row_and_anyone_else_takes_the_everyone_else_share()
    {
        var policy = Launch();

        Assert.Equal(("group:gold", 5L), policy.BucketFor("web", "gold"));
        Assert.Equal(("channel:web", 10L), policy.BucketFor("web", "silver"));
        Assert.Equal((AllocationPolicy.EveryoneElseBucket, 2L), policy.BucketFor("edi", null));
    }

    [Fact]
    public void A_demand_beyond_what_is_left_is_refused_whole_unless_partial_is_allowed()
    {
        var allocation = With(Launch(web: 10));
        Assert.Equal(8, allocation.Grant(Demand("g1", 8), T0, Timeout).Granted);

        var whole = allocation.Grant(Demand("g2", 3), T0, Timeout);
        var partial = allocation.Grant(Demand("g3", 3, allowPartial: true), T0, Timeout);

        Assert.Equal((true, 0L, 2L), (whole.Controlled, whole.Granted, whole.Remaining));
        Assert.Equal(2, partial.Granted);
        Assert.Equal(10, allocation.Consumed(QuotaKeys.Of("launch", "channel:web")));
    }

    [Fact]
    public void Outside_its_period_a_policy_controls_nothing()
    {
        var allocation = With(Launch());

        Assert.False(allocation.Grant(Demand("before", 1), T0.AddTicks(-1), Timeout).Controlled);
        Assert.True(allocation.Grant(Demand("first", 1), T0, Timeout).Controlled);
        Assert.False(allocation.Grant(Demand("after", 1), T0.AddDays(7), Timeout).Controlled);
    }

    [Fact]
    public void A_locations_own_policy_decides_there_and_the_skus_policy_elsewhere()
    {
        var allocation = With(Launch(web: 10));
        Assert.Null(allocation.SetPolicy(Launch(web: 1, location: "DC2") with { PolicyId = "dc2" }));

        Assert.Equal("dc2", allocation.Grant(Demand("a", 1, location: "DC2"), T0, Timeout).PolicyId);
        Assert.Equal("launch", allocation.Grant(Demand("b", 1, location: "DC1"), T0, Timeout).PolicyId);
    }

    [Fact]
    public void A_policy_overlapping_another_of_the_same_scope_is_refused()
    {
        var allocation = With(Launch());

        var problem = allocation.SetPolicy(Launch() with { PolicyId = "other", From = T0.AddDays(6), To = T0.AddDays(9) });

        Assert.True(problem is { Conflict: true });
        Assert.Single(allocation.Policies);
    }

    [Fact]
    public void A_report_replaces_a_locations_figures_and_settles_its_grants_and_an_older_one_changes_only_grants()
    {
        var allocation = With(Launch(web: 10));
        var key = QuotaKeys.Of("launch", "channel:web");
        allocation.Grant(Demand("g1", 4), T0, Timeout);
        allocation.Grant(Demand("g2", 3), T0, Timeout);

        allocation.Report("DC1", 5, new Dictionary<string, long> { [key] = 7 }, ["g1", "g2"]);
        allocation.Report("DC1", 4, new Dictionary<string, long> { [key] = 4 }, ["g1"]);

        Assert.Empty(allocation.Pending);
        Assert.Equal(7, allocation.Consumed(key));
    }

    [Fact]
    public void A_grant_never_reported_is_given_back_after_the_timeout()
    {
        var allocation = With(Launch(web: 10));
        allocation.Grant(Demand("lost", 10), T0, Timeout);

        var later = allocation.Grant(Demand("next", 10), T0 + Timeout + TimeSpan.FromSeconds(1), Timeout);

        Assert.Equal(10, later.Granted);
    }

    // ------------------------------------------------------------------ the SKU-location's count

    private const string Web = "launch|channel:web";

    private static SkuLocationInventory Controlled(long onHand)
    {
        var inventory = WithOnHand(onHand);
        inventory.ControlByQuota(true, T0);
        return inventory;
    }

    private static ReservationDecision ReserveWithin(SkuLocationInventory inventory, string id, long quantity, long granted, string? orderId = null)
        => inventory.Reserve(new ReserveRequest(id, "web", quantity, OrderId: orderId, AllowPartial: true, Quota: new QuotaTicket($"g-{id}", Web, granted)), T0, InventoryRules.Default);

    [Fact]
    public void A_reservation_holds_no_more_than_its_grant_and_counts_it_against_the_quota()
    {
        var inventory = Controlled(100);

        var decision = ReserveWithin(inventory, "r1", 8, granted: 5);

        Assert.Equal(5, decision.Reservation!.Quantity);
        Assert.Equal(5, inventory.QuotaUsage[Web]);
        var report = inventory.TakeQuotaReport()!;
        Assert.Equal((5L, "g-r1"), (report.ByKey[Web], report.Settled.Single()));
    }

    [Fact]
    public void Releasing_or_expiring_a_reservation_gives_its_quota_back()
    {
        var inventory = Controlled(100);
        ReserveWithin(inventory, "r1", 4, 4);
        ReserveWithin(inventory, "r2", 3, 3);

        inventory.Release("r1", T0);
        inventory.ExpireDue(T0.AddDays(2));

        Assert.False(inventory.QuotaUsage.ContainsKey(Web));
    }

    [Fact]
    public void An_order_taking_over_a_reservation_keeps_its_quota_counted_once()
    {
        var inventory = Controlled(100);
        ReserveWithin(inventory, "cart-1", 6, 6);

        inventory.TakeOver("cart-1", "O-1", "web", T0);

        Assert.Equal(6, inventory.QuotaUsage[Web]);
        Assert.Equal((Web, 6L), (inventory.Allocations["O-1"].Quota, inventory.Allocations["O-1"].QuotaHeld));
    }

    [Fact]
    public void A_cancelled_allocation_gives_its_quota_back_and_a_pick_keeps_it_consumed()
    {
        var inventory = Controlled(100);
        ReserveWithin(inventory, "leg-1", 6, 6, orderId: "O-1");
        inventory.Commit("leg-1", "O-1", T0);

        inventory.Move(MovementKind.Pick, 2, T0, orderId: "O-1");
        inventory.ReleaseAllocation("O-1", 4, "cancel-1", T0, InventoryRules.Default);

        Assert.Equal(2, inventory.QuotaUsage[Web]);
        Assert.False(inventory.Allocations.ContainsKey("O-1"));
    }

    [Fact]
    public void A_skus_without_a_policy_owes_no_report()
    {
        var inventory = WithOnHand(10);
        inventory.Reserve("r1", 4, T0);

        Assert.Null(inventory.TakeQuotaReport());
    }
}
