using System.Text.Json;
using Grid.Domain;
using static Grid.Tests.Domain.InventoryBuilder;

namespace Grid.Tests.Domain;

/// <summary>
/// One inventory is resident per active SKU-location, so its collections exist only once used, and its duplicate
/// check keeps a set only when the recent keys are many. None of that may change what it does, or what storage reads.
/// </summary>
[Trait("Category", "Domain")]
public sealed class CompactStateTests
{
    private static SkuLocationInventory RoundTrip(SkuLocationInventory inventory)
        => JsonSerializer.Deserialize<SkuLocationInventory>(JsonSerializer.Serialize(inventory))!;

    [Fact]
    public void A_sku_location_that_only_received_stock_stores_no_empty_collections()
    {
        var inventory = WithOnHand(100);

        var json = JsonSerializer.Serialize(inventory);

        foreach (var empty in new[] { "RingFences", "UsageByChannel", "Reservations", "Allocations", "Inbound", "Violations" })
        {
            Assert.DoesNotContain($"\"{empty}\"", json, StringComparison.Ordinal);
        }

        Assert.Contains("\"RecentEventKeys\"", json, StringComparison.Ordinal);
        Assert.Contains("\"RecentMovements\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_collections_read_as_empty_and_fill_on_first_use()
    {
        var reloaded = RoundTrip(WithOnHand(10));

        Assert.Empty(reloaded.Reservations);
        Assert.Empty(reloaded.Allocations);
        Assert.Empty(reloaded.RingFences);
        Assert.Empty(reloaded.Inbound);
        Assert.Null(reloaded.NextExpiry);

        Assert.Equal(DecisionCode.Created, reloaded.Reserve("r1", 4, T0, ttlSeconds: 60).Code);
        Assert.Equal(4, reloaded.Reservations["r1"].Quantity);
        Assert.Equal(T0.AddSeconds(60), reloaded.NextExpiry);
        Assert.Equal(6, reloaded.AvailableFor(null));
    }

    [Fact]
    public void State_stored_by_an_older_build_with_empty_collections_reads_back_and_behaves_the_same()
    {
        const string stored = """
            {"Sku":"SKU-1","Location":"DC1","Version":1,"OnHand":10,"Damaged":0,"Quarantine":0,"SafetyStock":0,
             "Reserved":0,"Allocated":0,"RingFences":{},"UsageByChannel":{},"Reservations":{},"Allocations":{},
             "Inbound":[],"RecentEventKeys":["wms-1\u001fe1"],"LastCycleCountAt":null,"LastCycleCountSource":null,
             "LastCycleCountSequence":null,"RecentMovements":[],"Violations":[],"AsOf":"2026-11-23T08:00:00+00:00",
             "LastWarehouseEventAt":"2026-11-23T08:00:00+00:00"}
            """;

        var inventory = JsonSerializer.Deserialize<SkuLocationInventory>(stored)!;

        Assert.Equal(MovementResult.Duplicate, inventory.Move(MovementKind.Receipt, 10, T0, eventId: "e1").Result);
        Assert.Equal(DecisionCode.Created, inventory.Reserve("r1", 3, T0).Code);
        Assert.Equal(7, inventory.AvailableFor(null));
        Assert.DoesNotContain("\"Allocations\"", JsonSerializer.Serialize(inventory), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_figure_and_collection_survives_a_round_trip()
    {
        var inventory = WithOnHand(100);
        inventory.SetPolicy(5, new Dictionary<string, long> { ["store"] = 20 }, T0);
        inventory.Reserve("r1", 10, T0, channel: "web", ttlSeconds: 600);
        inventory.Reserve("r2", 5, T0, channel: "store", orderId: "o-2");
        inventory.Commit("r2", null, T0);
        inventory.Move(MovementKind.InboundExpected, 30, T0, reference: "PO-1", eta: T0.AddDays(3));
        inventory.Move(MovementKind.Adjustment, -200, T0);

        var reloaded = RoundTrip(inventory);
        reloaded.RestoreReservations(inventory.Reservations.Values);

        Assert.Equal(JsonSerializer.Serialize(inventory), JsonSerializer.Serialize(reloaded));
        Assert.Equal(20, reloaded.RingFences["store"]);
        Assert.Equal(5, reloaded.Allocations["o-2"].Quantity);
        Assert.Equal(15, reloaded.UsageByChannel.Values.Sum());
        Assert.Equal("PO-1", Assert.Single(reloaded.Inbound).Reference);
        Assert.NotEmpty(reloaded.Violations);
        Assert.Equal(inventory.RecentMovements, reloaded.RecentMovements);
        Assert.Equal(inventory.NextExpiry, reloaded.NextExpiry);
        Assert.Empty(reloaded.Audit());
    }

    [Fact]
    public void Duplicates_are_recognised_whether_the_recent_keys_are_scanned_or_kept_as_a_set()
    {
        var inventory = WithOnHand(0);
        var many = SkuLocationInventory.SeenSetThreshold * 2;
        for (var i = 0; i < many; i++)
        {
            inventory.Move(MovementKind.Receipt, 1, T0, eventId: $"e{i}");

            // Each earlier key is still a duplicate, below the threshold (scan) and above it (set).
            Assert.Equal(MovementResult.Duplicate, inventory.Move(MovementKind.Receipt, 1, T0, eventId: $"e{i / 2}").Result);
        }

        var reloaded = RoundTrip(inventory);

        Assert.Equal(MovementResult.Duplicate, reloaded.Move(MovementKind.Receipt, 1, T0, eventId: "e0").Result);
        Assert.Equal(MovementResult.Duplicate, reloaded.Move(MovementKind.Receipt, 1, T0, eventId: $"e{many - 1}").Result);
        Assert.Equal(MovementResult.Applied, reloaded.Move(MovementKind.Receipt, 1, T0, eventId: "new").Result);
        Assert.Equal(many + 1, reloaded.OnHand);
    }

    [Fact]
    public void Keys_that_leave_the_window_are_forgotten_by_the_set_as_well()
    {
        var rules = InventoryRules.Default with { DedupeWindow = SkuLocationInventory.SeenSetThreshold + 8 };
        var inventory = new SkuLocationInventory("SKU-1", "DC1");
        Movement Receipt(string id) => new(id, "wms-1", T0, MovementKind.Receipt, 1);

        for (var i = 0; i < rules.DedupeWindow + 5; i++)
        {
            Assert.Equal(MovementResult.Applied, inventory.Apply(Receipt($"e{i}"), T0, rules).Result);
        }

        Assert.Equal(rules.DedupeWindow, inventory.RecentEventKeys.Count);
        Assert.Equal(MovementResult.Applied, inventory.Apply(Receipt("e0"), T0, rules).Result);
        Assert.Equal(MovementResult.Duplicate, inventory.Apply(Receipt($"e{rules.DedupeWindow + 4}"), T0, rules).Result);
    }

    [Fact]
    public void Pruning_the_last_closed_reservation_leaves_no_collection_behind()
    {
        var inventory = WithOnHand(10);
        inventory.Reserve("r1", 4, T0);
        inventory.Release("r1", T0);
        inventory.TakeChanges();

        inventory.PruneClosedReservations(T0 + InventoryRules.Default.ClosedReservationRetention + TimeSpan.FromSeconds(1), InventoryRules.Default);

        Assert.Empty(inventory.Reservations);
        Assert.Equal(["r1"], inventory.TakeChanges().RemovedReservations);
        Assert.DoesNotContain("\"Reservations\"", JsonSerializer.Serialize(inventory), StringComparison.Ordinal);
        Assert.DoesNotContain("\"UsageByChannel\"", JsonSerializer.Serialize(inventory), StringComparison.Ordinal);
    }
}
