using Grid.Domain;
using static Grid.Tests.Domain.InventoryBuilder;

namespace Grid.Tests.Domain;

[Trait("Category", "Domain")]
public sealed class MovementTests
{
    [Theory]
    [InlineData(MovementKind.Receipt, 5, 105)]
    [InlineData(MovementKind.TransferIn, 5, 105)]
    [InlineData(MovementKind.TransferOut, 5, 95)]
    [InlineData(MovementKind.Adjustment, -7, 93)]
    [InlineData(MovementKind.Adjustment, 7, 107)]
    [InlineData(MovementKind.ReturnToStock, 3, 103)]
    [InlineData(MovementKind.CycleCount, 42, 42)]
    public void Each_movement_moves_on_hand_its_own_way(MovementKind kind, long quantity, long onHandAfter)
    {
        var inventory = WithOnHand(100);

        var decision = inventory.Move(kind, quantity, T0.AddMinutes(1));

        Assert.Equal(MovementResult.Applied, decision.Result);
        Assert.Equal(onHandAfter, inventory.OnHand);
    }

    [Fact]
    public void A_return_to_quarantine_is_on_hand_but_not_available()
    {
        var inventory = WithOnHand(10);

        inventory.Move(MovementKind.ReturnToQuarantine, 3, T0);

        Assert.Equal(13, inventory.OnHand);
        Assert.Equal(3, inventory.Quarantine);
        Assert.Equal(10, inventory.AvailableFor(null));
    }

    [Fact]
    public void A_pick_takes_the_units_off_hand_and_out_of_the_orders_allocation()
    {
        var inventory = WithOnHand(10);
        inventory.Reserve("r1", 6, T0, orderId: "o1");
        inventory.Commit("r1", null, T0);

        inventory.Move(MovementKind.Pick, 4, T0, orderId: "o1");

        Assert.Equal(6, inventory.OnHand);
        Assert.Equal(2, inventory.Allocated);
        Assert.Equal(4, inventory.AvailableFor(null));
    }

    [Fact]
    public void A_short_pick_removes_the_missing_units_and_frees_their_allocation()
    {
        var inventory = WithOnHand(10);
        inventory.Reserve("r1", 6, T0, orderId: "o1");
        inventory.Commit("r1", null, T0);

        inventory.Move(MovementKind.ShortPick, 2, T0, orderId: "o1");

        Assert.Equal(8, inventory.OnHand);
        Assert.Equal(4, inventory.Allocated);
        Assert.Equal(4, inventory.AvailableFor(null));
    }

    [Fact]
    public void The_same_event_from_the_same_source_applies_once()
    {
        var inventory = WithOnHand(0);

        inventory.Move(MovementKind.Receipt, 5, T0, eventId: "e1");
        var again = inventory.Move(MovementKind.Receipt, 5, T0, eventId: "e1");

        Assert.Equal(MovementResult.Duplicate, again.Result);
        Assert.Equal(5, inventory.OnHand);
    }

    [Fact]
    public void The_same_event_id_from_another_source_is_a_different_event()
    {
        var inventory = WithOnHand(0);

        inventory.Move(MovementKind.Receipt, 5, T0, eventId: "e1", source: "wms-a");
        var other = inventory.Move(MovementKind.Receipt, 5, T0, eventId: "e1", source: "wms-b");

        Assert.Equal(MovementResult.Applied, other.Result);
        Assert.Equal(10, inventory.OnHand);
    }

    [Fact]
    public void Duplicates_are_still_recognised_after_a_round_trip_through_storage()
    {
        var inventory = WithOnHand(0);
        inventory.Move(MovementKind.Receipt, 5, T0, eventId: "e1");
        var reloaded = System.Text.Json.JsonSerializer.Deserialize<SkuLocationInventory>(System.Text.Json.JsonSerializer.Serialize(inventory))!;

        var again = reloaded.Move(MovementKind.Receipt, 5, T0, eventId: "e1");

        Assert.Equal(MovementResult.Duplicate, again.Result);
        Assert.Equal(5, reloaded.OnHand);
    }

    [Fact]
    public void An_older_cycle_count_never_overwrites_a_newer_one()
    {
        var inventory = WithOnHand(0);
        inventory.Move(MovementKind.CycleCount, 40, T0.AddHours(2));

        var older = inventory.Move(MovementKind.CycleCount, 90, T0.AddHours(1));

        Assert.Equal(MovementResult.Superseded, older.Result);
        Assert.Equal(40, inventory.OnHand);
    }

    [Fact]
    public void A_movement_that_happened_before_the_last_count_is_already_in_it()
    {
        var inventory = WithOnHand(0);
        inventory.Move(MovementKind.CycleCount, 40, T0.AddHours(2));

        var late = inventory.Move(MovementKind.Receipt, 10, T0.AddHours(1));
        inventory.Move(MovementKind.Receipt, 10, T0.AddHours(3));

        Assert.Equal(MovementResult.Superseded, late.Result);
        Assert.Equal(50, inventory.OnHand);
    }

    [Fact]
    public void The_source_sequence_orders_events_from_the_same_source()
    {
        var inventory = WithOnHand(0);
        inventory.Move(MovementKind.CycleCount, 40, T0, sequence: 10);

        var earlier = inventory.Move(MovementKind.Receipt, 10, T0.AddMinutes(5), sequence: 9);
        var later = inventory.Move(MovementKind.Receipt, 10, T0.AddMinutes(-5), sequence: 11);

        Assert.Equal(MovementResult.Superseded, earlier.Result);
        Assert.Equal(MovementResult.Applied, later.Result);
        Assert.Equal(50, inventory.OnHand);
    }

    [Fact]
    public void A_movement_that_drives_on_hand_negative_is_applied_and_flagged()
    {
        var inventory = WithOnHand(3);

        var decision = inventory.Move(MovementKind.TransferOut, 5, T0, eventId: "out-1");

        Assert.Equal(MovementResult.Applied, decision.Result);
        Assert.True(decision.Flagged);
        Assert.Equal(-2, inventory.OnHand);
        Assert.Equal(0, inventory.AvailableFor(null));
        Assert.Contains(inventory.Violations, v => v.Rule == "negative-on-hand" && v.EventId == "out-1");
        Assert.True(inventory.RecentMovements[^1].Flagged);
    }

    [Fact]
    public void A_loss_below_what_is_promised_is_flagged_and_the_promises_stand()
    {
        var inventory = WithOnHand(10);
        inventory.Reserve("r1", 8, T0);

        var decision = inventory.Move(MovementKind.Adjustment, -5, T0, eventId: "adj-1");

        Assert.True(decision.Flagged);
        Assert.Equal(8, inventory.Reserved);
        Assert.Contains(inventory.Violations, v => v.Rule == "commitments-exceed-stock");
    }

    [Fact]
    public void Releasing_more_than_is_quarantined_is_flagged_and_stops_at_zero()
    {
        var inventory = WithOnHand(10);
        inventory.Move(MovementKind.Quarantine, 2, T0);

        var decision = inventory.Move(MovementKind.ReleaseQuarantine, 5, T0);

        Assert.True(decision.Flagged);
        Assert.Equal(0, inventory.Quarantine);
    }

    [Theory]
    [InlineData(MovementKind.Receipt, 0)]
    [InlineData(MovementKind.Receipt, -1)]
    [InlineData(MovementKind.Adjustment, 0)]
    [InlineData(MovementKind.CycleCount, -1)]
    [InlineData(MovementKind.Pick, 0)]
    public void A_malformed_movement_is_rejected_and_changes_nothing(MovementKind kind, long quantity)
    {
        var inventory = WithOnHand(10);
        var version = inventory.Version;

        var decision = inventory.Move(kind, quantity, T0, eventId: "bad");

        Assert.Equal(MovementResult.Rejected, decision.Result);
        Assert.Equal(10, inventory.OnHand);
        Assert.Equal(version, inventory.Version);
        Assert.Equal(MovementResult.Applied, inventory.Move(MovementKind.Receipt, 1, T0, eventId: "bad").Result);
    }

    [Fact]
    public void Inbound_supply_without_an_eta_is_rejected()
    {
        var inventory = WithOnHand(0);

        var decision = inventory.Move(MovementKind.InboundExpected, 10, T0, reference: "PO-1");

        Assert.Equal(MovementResult.Rejected, decision.Result);
        Assert.Empty(inventory.Inbound);
    }

    [Fact]
    public void The_last_movements_are_kept_newest_last_with_their_source_ids()
    {
        var inventory = WithOnHand(0);
        for (var i = 0; i < 60; i++)
        {
            inventory.Move(MovementKind.Receipt, 1, T0.AddSeconds(i), eventId: $"e{i}");
        }

        Assert.Equal(InventoryRules.Default.RecentMovementCount, inventory.RecentMovements.Count);
        Assert.Equal("e59", inventory.RecentMovements[^1].EventId);
        Assert.Equal(60, inventory.RecentMovements[^1].OnHandAfter);
        Assert.Equal(T0.AddSeconds(59), inventory.LastWarehouseEventAt);
    }

    [Fact]
    public void Every_change_moves_the_version_and_the_as_of_time()
    {
        var inventory = WithOnHand(0);
        var before = inventory.Version;

        inventory.Move(MovementKind.Receipt, 1, T0.AddMinutes(3));

        Assert.Equal(before + 1, inventory.Version);
        Assert.Equal(T0.AddMinutes(3), inventory.AsOf);
    }
}
