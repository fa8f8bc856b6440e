using Grid.Domain.Outbound;

namespace Grid.Tests.Domain.Outbound;

/// <summary>
/// A subject moving to another publisher partition when the partition count changes: the receiver takes it whole and
/// in order, a hand-over repeated after a crash changes nothing, and the sender forgets it, rows included.
/// </summary>
[Trait("Category", "Domain")]
public sealed class PublisherHandOverTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);

    private static OutgoingEvent Event(string subject, long sourceSequence)
        => new($"{subject}#{sourceSequence}", "grid.order.accepted.v1", subject, T0, sourceSequence, $$"""{"n":{{sourceSequence}}}""");

    private static (PublisherQueue From, PublisherQueue To, IReadOnlyList<SubjectTransfer> Sent) Moved(params string[] subjects)
    {
        var from = new PublisherQueue();
        foreach (var subject in subjects)
        {
            from.Accept([Event(subject, 1), Event(subject, 2), Event(subject, 3)], T0);
        }

        return (from, new PublisherQueue(), from.Transfers(subjects));
    }

    [Fact]
    public void The_receiver_queues_the_subjects_events_with_their_sequences_and_numbers_on_from_them()
    {
        var (_, to, sent) = Moved("order/1");

        to.TakeOver(sent[0]);

        Assert.Equal([1L, 2L, 3L], to.Subjects["order/1"].Pending.Select(p => p.Sequence));
        Assert.Equal((3L, 3L), (to.Subjects["order/1"].LastSequence, to.Subjects["order/1"].LastSourceSequence));
        var outcome = to.Accept([Event("order/1", 3), Event("order/1", 4)], T0);

        Assert.Equal((1, 1), (outcome.Duplicates, outcome.Queued));
        Assert.Equal(4L, to.Subjects["order/1"].Pending[^1].Sequence);
    }

    [Fact]
    public void Events_accepted_at_the_receiver_before_the_hand_over_follow_the_handed_over_ones()
    {
        var (_, to, sent) = Moved("order/1");
        to.Accept([Event("order/1", 3), Event("order/1", 4), Event("order/1", 5)], T0);

        to.TakeOver(sent[0]);

        Assert.Equal(["order/1#1", "order/1#2", "order/1#3", "order/1#4", "order/1#5"], to.Subjects["order/1"].Pending.Select(p => p.Event.Id));
        Assert.Equal([1L, 2L, 3L, 4L, 5L], to.Subjects["order/1"].Pending.Select(p => p.Sequence));
    }

    [Fact]
    public void A_hand_over_repeated_after_a_crash_changes_nothing()
    {
        var (_, to, sent) = Moved("order/1");
        to.Accept([Event("order/1", 4)], T0);
        to.TakeOver(sent[0]);
        to.TakeChanges();

        Assert.Equal(0, to.TakeOver(sent[0]));

        Assert.Equal(4, to.Depth);
        Assert.False(to.HasRowChanges);
    }

    [Fact]
    public void The_sender_forgets_a_released_subject_and_its_subject_row_goes()
    {
        var (from, _, sent) = Moved("order/1", "order/2");
        from.TakeChanges();

        from.Release([sent[0]]);
        var changes = from.TakeChanges();

        Assert.Equal(["order/2"], from.Subjects.Keys);
        Assert.Equal(3, from.Depth);
        Assert.Equal(["order/1"], changes.RemovedSubjects);
        Assert.Equal(3, changes.Removals.Count(k => k.Subject == "order/1"));
    }

    [Fact]
    public void A_held_subject_is_not_delivered()
    {
        var (from, _, _) = Moved("order/1", "order/2");

        from.Hold(s => s == "order/1");

        Assert.Equal(["order/2"], from.TakeDue(T0, 10).Select(d => d.Queued.Event.Subject));
    }
}
