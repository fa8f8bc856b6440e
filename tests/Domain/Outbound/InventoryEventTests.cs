using System.Text.Json;
using Grid.Domain;
using Grid.Domain.Outbound;
using Microsoft.Extensions.Time.Testing;
using static Grid.Tests.Domain.InventoryBuilder;

namespace Grid.Tests.Domain.Outbound;

/// <summary>The events a SKU-location records for the systems that care: reservations that close, self-checks that fail.</summary>
[Trait("Category", "Domain")]
public sealed class InventoryEventTests
{
    private readonly FakeTimeProvider _clock = new(T0);

    private DateTimeOffset Now => _clock.GetUtcNow();

    [Fact]
    public void A_reservation_that_expires_tells_its_channel_and_what_it_may_promise_again()
    {
        var inventory = WithOnHand(10);
        inventory.Reserve("r1", 4, Now, channel: "web", ttlSeconds: 60);

        _clock.Advance(TimeSpan.FromSeconds(60));
        inventory.ExpireDue(Now);

        var e = Assert.Single(inventory.PendingOutbox!.Entries).Event;
        Assert.Equal("grid.reservation.expired.v1", e.Type);
        Assert.Equal("reservation/SKU-1@DC1/r1", e.Subject);
        var data = Data<ReservationEventData>(e);
        Assert.Equal(("web", 4L, "expired", 10L), (data.Channel, data.Quantity, data.State, data.AvailableToChannel));
        Assert.Equal(Now, data.ClosedAt);
    }

    [Fact]
    public void A_released_reservation_and_a_committed_one_are_told_too()
    {
        var inventory = WithOnHand(10);
        inventory.Reserve("r1", 2, Now);
        inventory.Reserve("r2", 3, Now);

        inventory.Release("r1", Now);
        inventory.Commit("r2", "order-7", Now);

        var events = inventory.PendingOutbox!.Entries.Select(x => x.Event).ToList();
        Assert.Equal(["grid.reservation.released.v1", "grid.reservation.committed.v1"], events.Select(e => e.Type));
        Assert.Equal("order-7", Data<ReservationEventData>(events[1]).OrderId);
        Assert.True(events[1].SourceSequence > events[0].SourceSequence);
    }

    [Fact]
    public void Nothing_is_recorded_for_a_type_no_target_wants()
    {
        var inventory = WithOnHand(10);
        inventory.WantsEvent = type => type == OutboundEventTypes.ReservationExpired.Type;
        inventory.Reserve("r1", 2, Now);

        inventory.Release("r1", Now);

        Assert.Null(inventory.PendingOutbox);
    }

    [Fact]
    public void A_movement_that_leaves_on_hand_below_zero_is_told_and_waits_to_be_listed_for_ops()
    {
        var inventory = WithOnHand(3);

        inventory.Move(MovementKind.Pick, 5, Now, eventId: "pick-1");

        var e = Assert.Single(inventory.PendingOutbox!.Entries).Event;
        Assert.Equal("grid.inventory.negative-on-hand.v1", e.Type);
        Assert.Equal("inventory-check/SKU-1@DC1", e.Subject);
        var data = Data<InventoryCheckEventData>(e);
        Assert.Equal(("negative-on-hand", "pick-1", -2L), (data.Rule, data.EventId, data.OnHand));
        var (number, violation) = Assert.Single(inventory.UnreportedViolations());
        Assert.Equal((1L, "negative-on-hand"), (number, violation.Rule));
    }

    [Fact]
    public void A_failure_listed_for_ops_is_not_listed_again()
    {
        var inventory = WithOnHand(3);
        inventory.Move(MovementKind.Pick, 5, Now);

        Assert.True(inventory.MarkViolationsReported(inventory.ViolationsRecorded));

        Assert.Empty(inventory.UnreportedViolations());
        Assert.False(inventory.MarkViolationsReported(inventory.ViolationsRecorded));
    }

    [Fact]
    public void Work_left_after_a_write_asks_the_sweep_to_come_back_from_when_it_waits()
    {
        var inventory = WithOnHand(10);
        inventory.Reserve("r1", 2, Now);
        _clock.Advance(TimeSpan.FromSeconds(5));
        var releasedAt = Now;

        inventory.Release("r1", releasedAt);

        Assert.Equal(releasedAt, inventory.AfterWriteWorkSince);
        Assert.Equal(releasedAt, inventory.TakeChanges().NextExpiry);
    }

    [Fact]
    public void The_outbox_is_written_with_the_change_and_later_changes_do_not_reach_the_copy()
    {
        var inventory = WithOnHand(10);
        inventory.Reserve("r1", 2, Now);
        inventory.Release("r1", Now);

        var header = inventory.TakeChanges().Header;
        inventory.PendingOutbox!.MarkAccepted("erp", [inventory.PendingOutbox.Entries[0].Event.Id]);
        var stored = JsonSerializer.Deserialize<SkuLocationInventory>(JsonSerializer.SerializeToUtf8Bytes(header))!;

        var entry = Assert.Single(stored.PendingOutbox!.Entries);
        Assert.Empty(entry.AcceptedBy);
        Assert.Equal(1, stored.PendingOutbox.LastSequence);
    }

    private static T Data<T>(OutgoingEvent e) => JsonSerializer.Deserialize<T>(e.Data, OutboundJson.Options)!;
}
