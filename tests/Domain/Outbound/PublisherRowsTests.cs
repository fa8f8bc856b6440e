using Grid.Domain.Outbound;

namespace Grid.Tests.Domain.Outbound;

/// <summary>
/// How a publisher's queue is stored as rows: each write carries what changed since the previous one, netted per
/// entry, and the rows read back make the same queue.
/// </summary>
[Trait("Category", "Domain")]
public sealed class PublisherRowsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);
    private static readonly RetryPolicy Policy = new(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10), MaxAttempts: 2, MaxAge: TimeSpan.FromHours(1));
    private static readonly Retention Keep = new(2, TimeSpan.FromDays(1));
    private const string Availability = "grid.inventory.availability.changed.v1";

    private static OutgoingEvent Event(string subject, long sourceSequence, string type = "grid.order.accepted.v1")
        => new($"{subject}#{sourceSequence}", type, subject, T0, sourceSequence, $$"""{"n":{{sourceSequence}}}""");

    private static AttemptResult Status(int? status) => new(status, null, null, TimeSpan.Zero);

    private static Dictionary<EntryKey, object?> Entries(PublisherChanges changes) => changes.Entries.ToDictionary(e => e.Key, e => e.Value);

    [Fact]
    public void A_write_after_accepting_carries_the_new_events_rows_only()
    {
        var queue = new PublisherQueue();
        queue.Accept([Event("order/1", 1), Event("order/1", 2), Event("order/2", 1)], T0);
        queue.TakeChanges();

        queue.Accept([Event("order/3", 1)], T0);
        var changes = queue.TakeChanges();

        Assert.Empty(changes.Subjects);
        Assert.Equal([new EntryKey(EntryKind.Pending, "order/3", 1)], changes.Entries.Select(e => e.Key));
        Assert.Empty(queue.TakeChanges().Entries);
    }

    [Fact]
    public void A_coalesced_change_rewrites_the_row_of_the_event_it_replaced()
    {
        var queue = new PublisherQueue();
        queue.Accept([Event("inventory/A@DC1", 1, Availability)], T0);
        queue.TakeChanges();

        queue.Accept([Event("inventory/A@DC1", 2, Availability)], T0);
        var entry = Assert.Single(queue.TakeChanges().Entries);

        Assert.Equal(new EntryKey(EntryKind.Pending, "inventory/A@DC1", 1), entry.Key);
        Assert.Equal("inventory/A@DC1#2", Assert.IsType<QueuedEvent>(entry.Value).Event.Id);
    }

    [Fact]
    public void A_delivery_removes_the_waiting_row_and_keeps_the_event_as_delivered_within_the_retention()
    {
        var queue = new PublisherQueue();
        queue.Accept([Event("order/1", 1), Event("order/2", 1), Event("order/3", 1)], T0);
        queue.TakeChanges();

        foreach (var delivery in queue.TakeDue(T0, 10).OrderBy(d => d.Queued.Event.Subject))
        {
            queue.Complete(delivery, Status(200), T0, Policy, Keep, 0.5);
        }

        var entries = Entries(queue.TakeChanges());
        Assert.All(["order/1", "order/2", "order/3"], s => Assert.Null(entries[new EntryKey(EntryKind.Pending, s, 1)]));
        Assert.Null(entries[new EntryKey(EntryKind.Retained, "order/1", 1)]);
        Assert.IsType<DeliveredEvent>(entries[new EntryKey(EntryKind.Retained, "order/3", 1)]);
        Assert.Equal(0, queue.Depth);
    }

    [Fact]
    public void An_event_accepted_and_delivered_between_two_writes_leaves_only_its_delivered_row()
    {
        var queue = new PublisherQueue();
        queue.Accept([Event("order/1", 1)], T0);
        queue.Complete(Assert.Single(queue.TakeDue(T0, 10)), Status(200), T0, Policy, Keep, 0.5);

        var entries = Entries(queue.TakeChanges());

        Assert.Null(entries[new EntryKey(EntryKind.Pending, "order/1", 1)]);
        Assert.NotNull(entries[new EntryKey(EntryKind.Retained, "order/1", 1)]);
    }

    [Fact]
    public void A_dead_letter_moves_from_waiting_to_dead_and_back_when_replayed()
    {
        var queue = new PublisherQueue();
        queue.Accept([Event("order/1", 1)], T0);
        queue.TakeChanges();
        queue.Complete(Assert.Single(queue.TakeDue(T0, 1)), Status(400), T0, Policy, Keep, 0.5);

        var dead = Entries(queue.TakeChanges());
        Assert.Null(dead[new EntryKey(EntryKind.Pending, "order/1", 1)]);
        Assert.IsType<DeadLetter>(dead[new EntryKey(EntryKind.DeadLetter, "order/1", 1)]);

        Assert.Equal(1, queue.Replay(null, T0));
        var replayed = Entries(queue.TakeChanges());
        Assert.Null(replayed[new EntryKey(EntryKind.DeadLetter, "order/1", 1)]);
        Assert.IsType<QueuedEvent>(replayed[new EntryKey(EntryKind.Pending, "order/1", 1)]);
    }

    [Fact]
    public void The_rows_read_back_make_the_same_queue_with_its_numbering_and_duplicate_check()
    {
        var queue = new PublisherQueue();
        queue.Accept([Event("order/1", 1), Event("order/1", 2), Event("order/2", 7)], T0);
        queue.Complete(queue.TakeDue(T0, 10).Single(d => d.Queued.Event.Subject == "order/2"), Status(200), T0, Policy, Keep, 0.5);
        var changes = queue.TakeChanges();

        var restored = PublisherQueue.Restore(
            changes.Header,
            changes.Subjects,
            changes.Upserts.Where(e => e.Key.Kind == EntryKind.Pending).Select(e => (QueuedEvent)e.Value),
            [],
            changes.Upserts.Where(e => e.Key.Kind == EntryKind.Retained).Select(e => (DeliveredEvent)e.Value));

        Assert.Equal((2L, 1L), (restored.Depth, restored.DeliveredCount));
        Assert.Equal(2, restored.Accept([Event("order/2", 7), Event("order/1", 2)], T0).Duplicates);
        var accepted = restored.Accept([Event("order/1", 3)], T0);
        Assert.Equal(1, accepted.Queued);
        Assert.Equal(new EntryKey(EntryKind.Pending, "order/1", 3), Assert.Single(restored.TakeChanges().Entries).Key);
        Assert.Equal([("order/1", 1L)], restored.TakeDue(T0, 10).Select(d => (d.Queued.Event.Subject, d.Queued.Sequence)));
    }

    [Fact]
    public void When_the_last_row_of_a_subject_is_pruned_its_subject_row_keeps_its_numbers()
    {
        var queue = new PublisherQueue();
        queue.Accept([Event("order/1", 5), Event("order/2", 1), Event("order/3", 1)], T0);
        foreach (var delivery in queue.TakeDue(T0, 10).OrderBy(d => d.Queued.Event.Subject))
        {
            queue.Complete(delivery, Status(200), T0, Policy, Keep, 0.5);
        }

        var changes = queue.TakeChanges();
        var row = Assert.Single(changes.Subjects);
        Assert.Equal(new SubjectRow("order/1", 1, 5), row);

        var restored = PublisherQueue.Restore(
            changes.Header, changes.Subjects, [], [], changes.Upserts.Where(e => e.Key.Kind == EntryKind.Retained).Select(e => (DeliveredEvent)e.Value));
        Assert.Equal(1, restored.Accept([Event("order/1", 5)], T0).Duplicates);
        restored.Accept([Event("order/1", 6)], T0);
        Assert.Equal(2L, Assert.Single(restored.TakeDue(T0, 10), d => d.Queued.Event.Subject == "order/1").Queued.Sequence);
    }
}
