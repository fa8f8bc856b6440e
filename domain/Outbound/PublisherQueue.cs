using System.Globalization;
using System.Text.Json.Serialization;

namespace Grid.Domain.Outbound;

/// <summary>An event waiting for (or retried at) its target, with the target's per-subject sequence.</summary>
public sealed record QueuedEvent(
    OutgoingEvent Event,
    long Sequence,
    DateTimeOffset EnqueuedAt,
    int Attempts = 0,
    DateTimeOffset? NextAttemptAt = null,
    int? LastStatus = null,
    string? LastError = null)
{
    /// <summary>The CloudEvents <c>sequence</c>: decimal, zero-padded to 20 digits so that string order is numeric order.</summary>
    public string SequenceText => FormatSequence(Sequence);

    public static string FormatSequence(long sequence) => sequence.ToString("D20", CultureInfo.InvariantCulture);
}

/// <summary>A delivered event kept for redelivery on request, for a while.</summary>
public sealed record DeliveredEvent(OutgoingEvent Event, long Sequence, DateTimeOffset DeliveredAt);

public sealed record DeadLetter(QueuedEvent Queued, DateTimeOffset DeadLetteredAt, string Reason);

/// <summary>One subject at one target: its last sequence given, the last source sequence accepted, and what waits.</summary>
public sealed class SubjectQueue
{
    [JsonInclude] public long LastSequence { get; set; }

    [JsonInclude] public long LastSourceSequence { get; set; }

    [JsonInclude] public List<QueuedEvent> Pending { get; set; } = [];
}

/// <summary>What to do for one event: deliver it now (it is the head of its subject, due, and not in flight).</summary>
public sealed record Delivery(QueuedEvent Queued);

public sealed record AcceptOutcome(int Queued, int Duplicates, int Coalesced);

/// <summary>How long delivered events are kept for redelivery: at most <see cref="Count"/> per partition and for <see cref="Age"/>.</summary>
public sealed record Retention(int Count, TimeSpan Age);

/// <summary>
/// The state and rules of one publisher partition (DESIGN §5), time as data: per subject a FIFO of events with the
/// target's contiguous sequence; the head of each subject is delivered before the next, so order holds per subject
/// while subjects go in parallel. An event of a coalescing type replaces the undelivered one queued last for its
/// subject (latest wins, same sequence). Failures back off; a permanent failure, too many attempts or too great an
/// age dead-letters the event, and the subject goes on. Dead letters and retained deliveries can be queued again.
/// </summary>
public sealed partial class PublisherQueue
{
    public const int LagSamples = 1024;

    [JsonInclude] public Dictionary<string, SubjectQueue> Subjects { get; private set; } = new(StringComparer.Ordinal);

    [JsonInclude] public List<DeadLetter> DeadLetters { get; private set; } = [];

    [JsonInclude] public List<DeliveredEvent> Retained { get; private set; } = [];

    [JsonInclude] public bool Paused { get; private set; }

    [JsonInclude] public long DeliveredCount { get; private set; }

    [JsonInclude] public long FailedAttempts { get; private set; }

    [JsonInclude] public long DeadLetteredCount { get; private set; }

    [JsonInclude] public long CoalescedCount { get; private set; }

    [JsonInclude] public DateTimeOffset? LastDeliveredAt { get; private set; }

    [JsonInclude] public string? LastError { get; private set; }

    /// <summary>
    /// Delivery lag (event time → delivered) of the latest deliveries, in seconds. Kept in memory only (a restart starts
    /// the sample again); read from states stored before publishers had their own rows.
    /// </summary>
    [JsonInclude] public List<double> RecentLags { get; private set; } = [];

    private readonly HashSet<string> _inFlight = new(StringComparer.Ordinal);

    [JsonIgnore] public long Depth => ActiveSubjects.Count == 0 ? 0 : _depth;

    [JsonIgnore] public bool HasPending => ActiveSubjects.Count > 0;

    [JsonIgnore] public int InFlight => _inFlight.Count;

    [JsonIgnore] public DateTimeOffset? OldestEnqueuedAt
        => ActiveSubjects.Select(s => (DateTimeOffset?)Subjects[s].Pending.Min(p => p.EnqueuedAt)).Min();

    // ---------------------------------------------------------------- accepting

    public AcceptOutcome Accept(IEnumerable<OutgoingEvent> events, DateTimeOffset now)
    {
        int queued = 0, duplicates = 0, coalesced = 0;
        foreach (var e in events)
        {
            if (!Subjects.TryGetValue(e.Subject, out var subject))
            {
                Subjects[e.Subject] = subject = new SubjectQueue();
            }

            if (e.SourceSequence <= subject.LastSourceSequence)
            {
                duplicates++;
                continue;
            }

            // No subject row is written for this: the waiting event's own row carries the numbers (see Restore).
            subject.LastSourceSequence = e.SourceSequence;
            if (OutboundEventTypes.Find(e.Type) is { Coalesce: true } && subject.Pending.Count > 0)
            {
                var last = subject.Pending[^1];
                if (string.Equals(last.Event.Type, e.Type, StringComparison.Ordinal) && !_inFlight.Contains(last.Event.Id))
                {
                    // Latest wins: the newer event takes the older one's place and sequence; its wait so far counts.
                    SetPending(e.Subject, subject, subject.Pending.Count - 1, last with { Event = e });
                    coalesced++;
                    CoalescedCount++;
                    continue;
                }
            }

            subject.LastSequence++;
            AddPending(e.Subject, subject, new QueuedEvent(e, subject.LastSequence, now, NextAttemptAt: now));
            queued++;
        }

        return new AcceptOutcome(queued, duplicates, coalesced);
    }

    // ---------------------------------------------------------------- delivering

    /// <summary>
    /// Up to <paramref name="max"/> events to deliver now: the heads of subjects that are due and not in flight, longest
    /// waiting first. They are in flight until <see cref="Complete"/>.
    /// </summary>
    public IReadOnlyList<Delivery> TakeDue(DateTimeOffset now, int max)
    {
        if (Paused || max <= 0)
        {
            return [];
        }

        var due = ActiveSubjects
            .Where(s => !IsHeld(s))
            .Select(s => Subjects[s].Pending[0])
            .Where(q => (q.NextAttemptAt ?? q.EnqueuedAt) <= now && !_inFlight.Contains(q.Event.Id))
            .OrderBy(q => q.NextAttemptAt ?? q.EnqueuedAt)
            .Take(max)
            .Select(q => new Delivery(q))
            .ToList();
        foreach (var d in due)
        {
            _inFlight.Add(d.Queued.Event.Id);
        }

        return due;
    }

    /// <summary>When the next event falls due (null when nothing waits, or all that waits is in flight).</summary>
    public DateTimeOffset? NextDueAt()
        => Paused ? null : ActiveSubjects
            .Where(s => !IsHeld(s))
            .Select(s => Subjects[s].Pending[0])
            .Where(q => !_inFlight.Contains(q.Event.Id))
            .Select(q => (DateTimeOffset?)(q.NextAttemptAt ?? q.EnqueuedAt))
            .Min();

    /// <summary>Books an attempt's result: delivered (kept for redelivery), retried later, or dead-lettered.</summary>
    public DeliveryVerdict Complete(Delivery delivery, AttemptResult result, DateTimeOffset now, RetryPolicy policy, Retention retention, double jitter)
    {
        var id = delivery.Queued.Event.Id;
        _inFlight.Remove(id);
        if (!Subjects.TryGetValue(delivery.Queued.Event.Subject, out var subject)
            || subject.Pending.FindIndex(q => q.Event.Id == id) is var index && index < 0)
        {
            return result.Verdict;
        }

        var queued = subject.Pending[index];
        var verdict = result.Verdict;
        if (verdict == DeliveryVerdict.Delivered)
        {
            RemovePendingAt(queued.Event.Subject, subject, index);
            DeliveredCount++;
            LastDeliveredAt = now;
            RecordLag(now - queued.Event.Time);
            Retain(new DeliveredEvent(queued.Event, queued.Sequence, now), retention, now);
            return verdict;
        }

        FailedAttempts++;
        LastError = $"{queued.Event.Type} {queued.Event.Subject} #{queued.SequenceText}: {result.Describe()}";
        var attempts = queued.Attempts + 1;
        var failed = queued with { Attempts = attempts, LastStatus = result.Status, LastError = result.Describe() };
        if (verdict == DeliveryVerdict.Permanent)
        {
            DeadLetterAt(subject, index, failed, now, $"permanent failure: {result.Describe()}");
        }
        else if (policy.GivesUp(attempts, queued.EnqueuedAt, now))
        {
            DeadLetterAt(subject, index, failed, now, attempts >= policy.MaxAttempts
                ? $"gave up after {attempts} attempt(s): {result.Describe()}"
                : $"gave up at age {now - queued.EnqueuedAt:c} after {attempts} attempt(s): {result.Describe()}");
            verdict = DeliveryVerdict.Permanent;
        }
        else
        {
            SetPending(queued.Event.Subject, subject, index, failed with { NextAttemptAt = now + policy.Delay(attempts, result.RetryAfter, jitter) });
        }

        return verdict;
    }

    /// <summary>Forgets what was in flight (a new activation: nothing it started is in flight any more).</summary>
    public void ResetInFlight() => _inFlight.Clear();

    // ---------------------------------------------------------------- ops

    public void SetPaused(bool paused) => Paused = paused;

    /// <summary>Puts dead letters (all, or the given ids) back at the head of their subjects, due now; answers how many.</summary>
    public int Replay(IReadOnlyCollection<string>? ids, DateTimeOffset now)
    {
        var wanted = ids?.ToHashSet(StringComparer.Ordinal);
        var replayed = DeadLetters.Where(d => wanted is null || wanted.Contains(d.Queued.Event.Id)).ToList();

        // Oldest sequence first within a subject, each put before what waits there.
        foreach (var bySubject in replayed.GroupBy(d => d.Queued.Event.Subject))
        {
            var subject = Subjects.TryGetValue(bySubject.Key, out var s) ? s : Subjects[bySubject.Key] = new SubjectQueue();
            InsertPending(bySubject.Key, subject, bySubject.OrderBy(d => d.Queued.Sequence)
                .Select(d => d.Queued with { Attempts = 0, NextAttemptAt = now, LastError = null, LastStatus = null }));
        }

        foreach (var letter in replayed)
        {
            Removed(EntryKind.DeadLetter, letter.Queued.Event.Subject, letter.Queued.Sequence);
        }

        DeadLetters.RemoveAll(d => replayed.Contains(d));
        return replayed.Count;
    }

    /// <summary>
    /// Queues the subject's events from <paramref name="fromSequence"/> on again, from what is retained, before what
    /// waits for it. Events still waiting (or dead-lettered) are not doubled.
    /// </summary>
    public RedeliveryOutcome Redeliver(string subjectName, long fromSequence, DateTimeOffset now, Retention retention)
    {
        Prune(retention, now);
        if (!Subjects.TryGetValue(subjectName, out var subject) || fromSequence > subject.LastSequence)
        {
            return new RedeliveryOutcome(RedeliveryCode.NothingSent, 0, subject?.LastSequence ?? 0, null);
        }

        var waiting = subject.Pending.Select(p => p.Sequence).Concat(DeadLetters.Where(d => d.Queued.Event.Subject == subjectName).Select(d => d.Queued.Sequence)).ToHashSet();
        var retained = Retained.Where(r => r.Event.Subject == subjectName && r.Sequence >= fromSequence && !waiting.Contains(r.Sequence))
            .GroupBy(r => r.Sequence).Select(g => g.Last()).OrderBy(r => r.Sequence).ToList();
        var oldest = Retained.Where(r => r.Event.Subject == subjectName).Select(r => (long?)r.Sequence).Min();
        InsertPending(subjectName, subject, retained.Select(r => new QueuedEvent(r.Event, r.Sequence, now, NextAttemptAt: now)));

        // Every sequence from fromSequence to the last is either queued again now or still waiting; else some were not retained.
        var covered = retained.Count + waiting.Count(s => s >= fromSequence);
        var missing = covered < subject.LastSequence - fromSequence + 1;
        return new RedeliveryOutcome(missing ? RedeliveryCode.NotRetained : RedeliveryCode.Queued, retained.Count, subject.LastSequence, oldest);
    }

    /// <summary>Lag percentiles over the recent deliveries (p in 0–100); null before any.</summary>
    public double? LagPercentile(double p) => Percentile(RecentLags, p);

    public static double? Percentile(IReadOnlyCollection<double> samples, double p)
    {
        if (samples.Count == 0)
        {
            return null;
        }

        var sorted = samples.Order().ToList();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }

    private void DeadLetterAt(SubjectQueue subject, int index, QueuedEvent failed, DateTimeOffset now, string reason)
    {
        RemovePendingAt(failed.Event.Subject, subject, index);
        var letter = new DeadLetter(failed with { NextAttemptAt = null }, now, reason);
        DeadLetters.Add(letter);
        Upserted(EntryKind.DeadLetter, letter.Queued.Event.Subject, letter.Queued.Sequence, letter);
        DeadLetteredCount++;
    }

    private void RecordLag(TimeSpan lag)
    {
        RecentLags.Add(Math.Max(0, lag.TotalSeconds));
        if (RecentLags.Count > LagSamples)
        {
            RecentLags.RemoveRange(0, RecentLags.Count - LagSamples);
        }
    }

    private void Retain(DeliveredEvent delivered, Retention retention, DateTimeOffset now)
    {
        if (retention.Count <= 0)
        {
            // Nothing is kept, so no row of this subject carries its numbers any more: its subject row must.
            SubjectChanged(delivered.Event.Subject);
            return;
        }

        // One delivery kept per subject and sequence: a redelivered event replaces its earlier record.
        if (!RetainedKeys.Add((delivered.Event.Subject, delivered.Sequence)))
        {
            Retained.RemoveAll(r => r.Sequence == delivered.Sequence && string.Equals(r.Event.Subject, delivered.Event.Subject, StringComparison.Ordinal));
        }

        Retained.Add(delivered);
        Upserted(EntryKind.Retained, delivered.Event.Subject, delivered.Sequence, delivered);
        Prune(retention, now);
    }

    private void Prune(Retention retention, DateTimeOffset now)
    {
        var cutoff = now - retention.Age;
        var fresh = Retained.FindIndex(r => r.DeliveredAt >= cutoff);
        var drop = Math.Max(Retained.Count - retention.Count, fresh < 0 ? Retained.Count : fresh);
        if (drop <= 0)
        {
            return;
        }

        foreach (var gone in Retained.Take(drop))
        {
            Removed(EntryKind.Retained, gone.Event.Subject, gone.Sequence);
            RetainedKeys.Remove((gone.Event.Subject, gone.Sequence));
            if (Subjects.ContainsKey(gone.Event.Subject))
            {
                SubjectChanged(gone.Event.Subject);
            }
        }

        Retained.RemoveRange(0, drop);
    }
}

/// <summary>What a redelivery request found (mirrors the contract's <c>RedeliveryCode</c>, value for value).</summary>
public enum RedeliveryCode
{
    /// <summary>The retained events from the sequence asked for are queued again.</summary>
    Queued = 0,

    /// <summary>Nothing was sent to this target for the subject from that sequence on.</summary>
    NothingSent = 1,

    /// <summary>Some of the events asked for are no longer retained; <see cref="RedeliveryOutcome.OldestRetained"/> says from where they are.</summary>
    NotRetained = 2,
}

/// <summary>The answer to a redelivery request: how many were queued again, the subject's last sequence, the oldest still retained.</summary>
public sealed record RedeliveryOutcome(RedeliveryCode Code, int Queued, long LastSequence, long? OldestRetained);
