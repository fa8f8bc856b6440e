using System.Text.Json;
using Grid.Domain;
using static Grid.Tests.Domain.InventoryBuilder;

namespace Grid.Tests.Domain;

/// <summary>
/// A SKU-location's recent event keys and movements are its journal, stored beside the header: each write carries
/// only the entries recorded since the previous one, numbered, and says which are still kept.
/// </summary>
[Trait("Category", "Domain")]
public sealed class InventoryJournalTests
{
    [Fact]
    public void The_header_a_write_stores_carries_no_event_keys_or_movements()
    {
        var inventory = WithOnHand(10);
        inventory.Move(MovementKind.Receipt, 5, T0);

        var header = inventory.TakeChanges().Header;

        Assert.Empty(header.RecentEventKeys);
        Assert.Empty(header.RecentMovements);
        Assert.Equal(2, header.EventKeySequence);
        Assert.Equal(2, header.MovementSequence);
        Assert.Equal(2, inventory.RecentMovements.Count);
    }

    [Fact]
    public void A_write_carries_only_the_entries_recorded_since_the_previous_write()
    {
        var inventory = WithOnHand(10);
        inventory.TakeChanges();
        inventory.Move(MovementKind.Receipt, 5, T0, eventId: "e2");
        inventory.Move(MovementKind.Receipt, 6, T0, eventId: "e3");

        var journal = inventory.TakeChanges().Journal;

        Assert.Equal(2, journal.FirstNewEventKey);
        Assert.Equal(["wms-1\u001fe2", "wms-1\u001fe3"], journal.NewEventKeys);
        Assert.Equal(2, journal.FirstNewMovement);
        Assert.Equal([5L, 6L], journal.NewMovements.Select(m => m.Quantity));
        Assert.Equal(1, journal.OldestEventKeyKept);
        Assert.Equal(1, journal.OldestMovementKept);
    }

    [Fact]
    public void A_reservation_records_nothing_in_the_journal()
    {
        var inventory = WithOnHand(10);
        inventory.TakeChanges();
        inventory.Reserve("r1", 2, T0);

        Assert.True(inventory.TakeChanges().Journal.IsEmpty);
    }

    [Fact]
    public void Entries_past_the_windows_are_no_longer_kept()
    {
        var rules = InventoryRules.Default;
        var inventory = WithOnHand(0);
        for (var i = 0; i < rules.DedupeWindow + 10; i++)
        {
            inventory.Move(MovementKind.Receipt, 1, T0);
        }

        var journal = inventory.TakeChanges().Journal;

        Assert.Equal(rules.DedupeWindow, journal.NewEventKeys.Count);
        Assert.Equal(11, journal.OldestEventKeyKept);
        Assert.Equal(rules.RecentMovementCount, journal.NewMovements.Count);
        Assert.Equal(rules.DedupeWindow + 10 - rules.RecentMovementCount + 1, journal.OldestMovementKept);
        Assert.Equal(journal.OldestMovementKept, journal.FirstNewMovement);
    }

    [Fact]
    public void A_restored_journal_still_finds_duplicates_and_numbers_on_from_the_header()
    {
        var inventory = WithOnHand(0);
        inventory.Move(MovementKind.Receipt, 4, T0, eventId: "e1");
        var changes = inventory.TakeChanges();

        var reloaded = JsonSerializer.Deserialize<SkuLocationInventory>(JsonSerializer.Serialize(changes.Header))!;
        reloaded.RestoreJournal(changes.Journal.NewEventKeys, changes.Journal.NewMovements);

        Assert.Equal(MovementResult.Duplicate, reloaded.Move(MovementKind.Receipt, 4, T0, eventId: "e1").Result);
        Assert.Equal(4, reloaded.OnHand);
        reloaded.Move(MovementKind.Receipt, 1, T0, eventId: "e2");
        var next = reloaded.TakeChanges().Journal;
        Assert.Equal(2, next.FirstNewEventKey);
        Assert.Equal(["wms-1\u001fe2"], next.NewEventKeys);
        Assert.Equal(2, reloaded.RecentMovements.Count);
    }

    [Fact]
    public void A_header_stored_before_the_journal_hands_its_keys_and_movements_to_the_next_write()
    {
        var legacy = """
            {"Sku":"SKU-1","Location":"DC1","Version":2,"OnHand":7,"Reserved":0,"Allocated":0,
             "RecentEventKeys":["wms-1\u001fe1","wms-1\u001fe2"],
             "RecentMovements":[{"Kind":0,"Quantity":3,"Source":"wms-1","EventId":"e1","OccurredAt":"2026-11-23T08:00:00+00:00","AppliedAt":"2026-11-23T08:00:00+00:00","OnHandAfter":3,"Reference":null,"Flagged":false},
                                {"Kind":0,"Quantity":4,"Source":"wms-1","EventId":"e2","OccurredAt":"2026-11-23T08:00:00+00:00","AppliedAt":"2026-11-23T08:00:00+00:00","OnHandAfter":7,"Reference":null,"Flagged":false}]}
            """;
        var inventory = JsonSerializer.Deserialize<SkuLocationInventory>(legacy)!;

        inventory.RestoreJournal([], []);
        var journal = inventory.TakeChanges().Journal;

        Assert.Equal(["wms-1\u001fe1", "wms-1\u001fe2"], journal.NewEventKeys);
        Assert.Equal(1, journal.FirstNewEventKey);
        Assert.Equal([3L, 4L], journal.NewMovements.Select(m => m.Quantity));
        Assert.Equal(MovementResult.Duplicate, inventory.Move(MovementKind.Receipt, 4, T0, eventId: "e2").Result);
    }
}
