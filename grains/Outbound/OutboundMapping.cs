using System.Collections.Immutable;
using System.Diagnostics;
using Grid.Domain.Outbound;

namespace Grid.Outbound;

/// <summary>Maps the outbound contracts to the domain model and back, and gives the domain what only the host knows.</summary>
internal static class OutboundMapping
{
    public static OutboundEvent ToContract(this OutgoingEvent e)
        => new(e.Id, e.Type, e.Subject, e.Time, e.SourceSequence, e.Data, e.TraceParent);

    public static OutgoingEvent ToDomain(this OutboundEvent e)
        => new(e.Id, e.Type, e.Subject, e.Time, e.SourceSequence, e.Data, e.TraceParent);

    public static RedeliveryResult ToContract(this RedeliveryOutcome r)
        => new((Grid.Outbound.RedeliveryCode)r.Code, r.Queued, r.LastSequence, r.OldestRetained);

    public static ErpStockCount ToDomain(this StockSnapshot s)
        => new(s.SnapshotId, s.Location, s.TakenAt, [.. s.Items.Select(i => new ErpCountLine(i.Sku, i.OnHand))]);

    public static ReconciliationReport ToContract(this ReconciliationRecord r)
        => new(r.SnapshotId, r.Location, r.TakenAt, r.ReconciledAt, r.Compared, r.Matched, [.. r.Discrepancies.Select(ToContract)]);

    public static StockDiscrepancy ToContract(this StockDifference d)
        => new(d.Sku, d.ErpOnHand, d.GridOnHand, d.Difference, d.GridAsOf, d.LastWarehouseEventAt, d.MovedSinceSnapshot);

    public static StockDifference ToDomain(this StockDiscrepancy d)
        => new(d.Sku, d.ErpOnHand, d.GridOnHand, d.Difference, d.GridAsOf, d.LastWarehouseEventAt, d.MovedSinceSnapshot);

    public static ShardCount ToDomain(this ShardSnapshot s)
        => new(s.SnapshotId, s.Location, s.TakenAt, s.ReconciledAt, [.. s.Items.Select(i => new CountedLine(i.Index, i.Sku, i.OnHand))]);

    public static ShardPartReport ToContract(this ShardPart p)
        => new(p.SnapshotId, p.Compared, [.. p.Discrepancies.Select(d => new PlacedDiscrepancy(d.Index, d.Difference.ToContract()))]);

    public static ShardPart ToDomain(this ShardPartReport p)
        => new(p.SnapshotId, p.Compared, [.. p.Discrepancies.Select(d => new PlacedDifference(d.Index, d.Discrepancy.ToDomain()))]);

    public static ReconcileResult ToContract(this ReconcileOutcome r)
        => new((Grid.Outbound.ReconcileCode)r.Code, r.Report?.ToContract());

    /// <summary>
    /// Hosts a source grain's outbox: records only the event types some target wants, gives each event a GUID and the
    /// ambient trace, so that its delivery continues it.
    /// </summary>
    public static void Host(this Outbox outbox, Func<string, bool> wanted)
    {
        outbox.Wanted = wanted;
        outbox.NewEventId = NewEventId;
        outbox.TraceParent = CurrentTrace;
    }

    /// <summary>A new CloudEvents <c>id</c>: a GUID.</summary>
    public static string NewEventId() => Guid.NewGuid().ToString("D");

    /// <summary>The W3C <c>traceparent</c> of the current activity when its trace is recorded; null otherwise.</summary>
    public static string? CurrentTrace()
        => Activity.Current is { IdFormat: ActivityIdFormat.W3C, Recorded: true } activity ? activity.Id : null;

    public static ImmutableArray<OutboundEvent> ToContract(this IEnumerable<OutgoingEvent> events) => [.. events.Select(ToContract)];

    public static SubjectHandOver ToContract(this SubjectTransfer t)
        => new(t.Subject, t.LastSequence, t.LastSourceSequence, [.. t.Pending.Select(ToContract)],
            [.. t.DeadLetters.Select(d => new HandedDeadLetter(d.Queued.ToContract(), d.DeadLetteredAt, d.Reason))],
            [.. t.Retained.Select(r => new HandedDelivery(r.Event.ToContract(), r.Sequence, r.DeliveredAt))]);

    public static SubjectTransfer ToDomain(this SubjectHandOver h)
        => new(h.Subject, h.LastSequence, h.LastSourceSequence, [.. h.Pending.Select(ToDomain)],
            [.. h.DeadLetters.Select(d => new DeadLetter(d.Queued.ToDomain(), d.DeadLetteredAt, d.Reason))],
            [.. h.Retained.Select(r => new DeliveredEvent(r.Event.ToDomain(), r.Sequence, r.DeliveredAt))]);

    private static HandedEvent ToContract(this QueuedEvent q)
        => new(q.Event.ToContract(), q.Sequence, q.EnqueuedAt, q.Attempts, q.NextAttemptAt, q.LastStatus, q.LastError);

    private static QueuedEvent ToDomain(this HandedEvent h)
        => new(h.Event.ToDomain(), h.Sequence, h.EnqueuedAt, h.Attempts, h.NextAttemptAt, h.LastStatus, h.LastError);
}
