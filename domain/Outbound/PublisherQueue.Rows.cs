using System.Text.Json.Serialization;

namespace Grid.Domain.Outbound;

/// <summary>The kinds of entry a publisher stores, one row each: events waiting, dead letters, and deliveries kept.</summary>
public enum EntryKind : short
{
    Pending = 1,
    DeadLetter = 2,
    Retained = 3,
}

/// <summary>A stored entry's key within its publisher: kind, subject and the target's sequence.</summary>
public readonly record struct EntryKey(EntryKind Kind, string Subject, long Sequence);

/// <summary>A subject's numbering: the last sequence given and the last source sequence accepted (the duplicate check).</summary>
public sealed record SubjectRow(string Subject, long LastSequence, long LastSourceSequence);

/// <summary>A publisher's counters and switches: what is written with every change, whatever else changed.</summary>
public sealed record PublisherHeader(
    bool Paused,
    long DeliveredCount,
    long FailedAttempts,
    long DeadLetteredCount,
    long CoalescedCount,
    DateTimeOffset? LastDeliveredAt,
    string? LastError);

/// <summary>
/// What changed since the last write, netted per key: an entry upserted with its latest value (a
/// <see cref="QueuedEvent"/>, <see cref="DeadLetter"/> or <see cref="DeliveredEvent"/>), or removed (null); and the
/// subjects whose rows go because they moved to another partition.
/// </summary>
public sealed record PublisherChanges(
    PublisherHeader Header,
    IReadOnlyList<SubjectRow> Subjects,
    IReadOnlyList<KeyValuePair<EntryKey, object?>> Entries,
    IReadOnlyList<string> RemovedSubjects)
{
    public IEnumerable<KeyValuePair<EntryKey, object>> Upserts
        => Entries.Where(e => e.Value is not null).Select(e => new KeyValuePair<EntryKey, object>(e.Key, e.Value!));

    public IEnumerable<EntryKey> Removals => Entries.Where(e => e.Value is null).Select(e => e.Key);
}

/// <summary>
/// How a publisher's state is stored as rows (schema 10): a small header, a row per subject and a row per entry. Every
/// change to the queue is recorded here, so that a write carries what changed since the previous one (its own rows),
/// not the whole queue; and the subjects with events waiting are indexed, so that delivering does not walk them all.
/// </summary>
public sealed partial class PublisherQueue
{
    private readonly HashSet<string> _active = new(StringComparer.Ordinal);
    private readonly HashSet<string> _changedSubjects = new(StringComparer.Ordinal);
    private readonly Dictionary<EntryKey, object?> _changedEntries = [];
    private HashSet<(string Subject, long Sequence)>? _retainedKeys;
    private long _depth;
    private bool _indexed;

    /// <summary>The subject and sequence of every delivery kept, so that keeping one more need not search them.</summary>
    private HashSet<(string Subject, long Sequence)> RetainedKeys => _retainedKeys ??= [.. Retained.Select(r => (r.Event.Subject, r.Sequence))];

    /// <summary>The subjects with at least one event waiting.</summary>
    [JsonIgnore] private HashSet<string> ActiveSubjects
    {
        get
        {
            if (!_indexed)
            {
                // A state read as one document (dev mode's copy, or stored before schema 10): index it once.
                _active.UnionWith(Subjects.Where(s => s.Value.Pending.Count > 0).Select(s => s.Key));
                _depth = Subjects.Values.Sum(s => (long)s.Pending.Count);
                _indexed = true;
            }

            return _active;
        }
    }

    [JsonIgnore] public PublisherHeader Header
        => new(Paused, DeliveredCount, FailedAttempts, DeadLetteredCount, CoalescedCount, LastDeliveredAt, LastError);

    /// <summary>True when something other than the header changed since the last <see cref="TakeChanges"/>.</summary>
    [JsonIgnore] public bool HasRowChanges => _changedSubjects.Count > 0 || _changedEntries.Count > 0 || _removedSubjects.Count > 0;

    /// <summary>What changed since the last call (nothing is recorded twice): taken by the storage as it writes.</summary>
    public PublisherChanges TakeChanges()
    {
        var changes = new PublisherChanges(
            Header,
            [.. _changedSubjects.Select(s => new SubjectRow(s, Subjects[s].LastSequence, Subjects[s].LastSourceSequence))],
            [.. _changedEntries],
            [.. _removedSubjects]);
        _changedSubjects.Clear();
        _changedEntries.Clear();
        _removedSubjects.Clear();
        return changes;
    }

    /// <summary>Records everything as changed: a state read from the single document of before schema 10 moves to rows.</summary>
    public void MarkAllChanged()
    {
        _changedSubjects.UnionWith(Subjects.Keys);
        foreach (var (name, subject) in Subjects)
        {
            foreach (var q in subject.Pending)
            {
                Upserted(EntryKind.Pending, name, q.Sequence, q);
            }
        }

        foreach (var d in DeadLetters)
        {
            Upserted(EntryKind.DeadLetter, d.Queued.Event.Subject, d.Queued.Sequence, d);
        }

        foreach (var r in Retained)
        {
            Upserted(EntryKind.Retained, r.Event.Subject, r.Sequence, r);
        }
    }

    /// <summary>
    /// Rebuilds a publisher from its stored rows (entries in any order). A subject's numbers are the highest its subject
    /// row or any of its entries carries: accepting an event writes only the event's row, and a subject row is written
    /// when the last entry that carried the numbers goes (a delivery that is not kept, or a kept one pruned).
    /// </summary>
    public static PublisherQueue Restore(PublisherHeader header, IEnumerable<SubjectRow> subjects, IEnumerable<QueuedEvent> pending, IEnumerable<DeadLetter> deadLetters, IEnumerable<DeliveredEvent> retained)
    {
        var queue = new PublisherQueue
        {
            Paused = header.Paused,
            DeliveredCount = header.DeliveredCount,
            FailedAttempts = header.FailedAttempts,
            DeadLetteredCount = header.DeadLetteredCount,
            CoalescedCount = header.CoalescedCount,
            LastDeliveredAt = header.LastDeliveredAt,
            LastError = header.LastError,
        };
        foreach (var row in subjects)
        {
            queue.Subjects[row.Subject] = new SubjectQueue { LastSequence = row.LastSequence, LastSourceSequence = row.LastSourceSequence };
        }

        var waiting = pending.ToList();
        queue.DeadLetters.AddRange(deadLetters.OrderBy(d => d.DeadLetteredAt).ThenBy(d => d.Queued.Sequence));
        queue.Retained.AddRange(retained.OrderBy(r => r.DeliveredAt).ThenBy(r => r.Sequence));
        var carried = waiting.Select(q => (q.Event, q.Sequence))
            .Concat(queue.DeadLetters.Select(d => (d.Queued.Event, d.Queued.Sequence)))
            .Concat(queue.Retained.Select(r => (r.Event, r.Sequence)));
        foreach (var (e, sequence) in carried)
        {
            var subject = queue.Subject(e.Subject);
            subject.LastSequence = Math.Max(subject.LastSequence, sequence);
            subject.LastSourceSequence = Math.Max(subject.LastSourceSequence, e.SourceSequence);
        }

        foreach (var bySubject in waiting.GroupBy(q => q.Event.Subject, StringComparer.Ordinal))
        {
            queue.Subject(bySubject.Key).Pending.AddRange(bySubject.OrderBy(q => q.Sequence));
        }

        return queue;
    }

    private SubjectQueue Subject(string name) => Subjects.TryGetValue(name, out var subject) ? subject : Subjects[name] = new SubjectQueue();

    private void SubjectChanged(string subject) => _changedSubjects.Add(subject);

    private void Upserted(EntryKind kind, string subject, long sequence, object value) => _changedEntries[new EntryKey(kind, subject, sequence)] = value;

    private void Removed(EntryKind kind, string subject, long sequence) => _changedEntries[new EntryKey(kind, subject, sequence)] = null;

    private void AddPending(string name, SubjectQueue subject, QueuedEvent queued)
    {
        ActiveSubjects.Add(name);
        subject.Pending.Add(queued);
        _depth++;
        Upserted(EntryKind.Pending, name, queued.Sequence, queued);
    }

    private void SetPending(string name, SubjectQueue subject, int index, QueuedEvent queued)
    {
        subject.Pending[index] = queued;
        Upserted(EntryKind.Pending, name, queued.Sequence, queued);
    }

    private void InsertPending(string name, SubjectQueue subject, IEnumerable<QueuedEvent> events)
    {
        var list = events.ToList();
        _ = ActiveSubjects;
        subject.Pending.InsertRange(0, list);
        _depth += list.Count;
        if (subject.Pending.Count > 0)
        {
            _active.Add(name);
        }

        foreach (var queued in list)
        {
            Upserted(EntryKind.Pending, name, queued.Sequence, queued);
        }
    }

    private void RemovePendingAt(string name, SubjectQueue subject, int index)
    {
        _ = ActiveSubjects;
        var queued = subject.Pending[index];
        subject.Pending.RemoveAt(index);
        _depth--;
        if (subject.Pending.Count == 0)
        {
            _active.Remove(name);
        }

        // A coalesced or redelivered event may share its sequence with another still waiting: keep that one's row.
        if (subject.Pending.Exists(q => q.Sequence == queued.Sequence))
        {
            return;
        }

        Removed(EntryKind.Pending, name, queued.Sequence);
    }
}
