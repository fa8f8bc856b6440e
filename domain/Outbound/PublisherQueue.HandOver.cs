namespace Grid.Domain.Outbound;

/// <summary>
/// Everything a publisher partition holds for one subject, as it moves to the subject's partition under a new partition
/// count: the subject's numbering, the events waiting (in sequence order), its dead letters and its deliveries kept.
/// </summary>
public sealed record SubjectTransfer(
    string Subject,
    long LastSequence,
    long LastSourceSequence,
    IReadOnlyList<QueuedEvent> Pending,
    IReadOnlyList<DeadLetter> DeadLetters,
    IReadOnlyList<DeliveredEvent> Retained)
{
    /// <summary>The ids of every event carried, waiting, dead-lettered or kept.</summary>
    public IEnumerable<string> EventIds
        => Pending.Select(p => p.Event.Id).Concat(DeadLetters.Select(d => d.Queued.Event.Id)).Concat(Retained.Select(r => r.Event.Id));
}

// Moving subjects between partitions when the partition count changes (see docs/outbound.md, "Changing the partition
// count"). The sender copies subjects out (Transfers), the receiver merges them (TakeOver) and writes, and only then
// the sender forgets them (Release): a crash in between sends the same subjects again, and the receiver, which has not
// delivered any of them yet (they are held until every partition has handed over), recognises them by event id.
public sealed partial class PublisherQueue
{
    private readonly HashSet<string> _removedSubjects = new(StringComparer.Ordinal);
    private Func<string, bool>? _held;

    /// <summary>
    /// Subjects not to deliver for now (null: none): those that belong to another partition, or whose earlier events may
    /// still be in another partition. Kept in memory only; the host sets it again at activation.
    /// </summary>
    public void Hold(Func<string, bool>? held) => _held = held;

    /// <summary>Whether a subject is held back from delivery.</summary>
    public bool IsHeld(string subject) => _held is { } held && held(subject);

    /// <summary>The subjects this partition knows (numbering or entries) for which <paramref name="moves"/> is true.</summary>
    public IReadOnlyList<string> SubjectsWhere(Func<string, bool> moves) => [.. Subjects.Keys.Where(moves)];

    /// <summary>Copies of what the queue holds for <paramref name="subjects"/>, to hand over; nothing changes here yet.</summary>
    public IReadOnlyList<SubjectTransfer> Transfers(IEnumerable<string> subjects)
        => [.. subjects.Where(Subjects.ContainsKey).Where(s => !Subjects[s].Pending.Exists(p => _inFlight.Contains(p.Event.Id))).Select(s => new SubjectTransfer(
            s,
            Subjects[s].LastSequence,
            Subjects[s].LastSourceSequence,
            [.. Subjects[s].Pending],
            [.. DeadLetters.Where(d => string.Equals(d.Queued.Event.Subject, s, StringComparison.Ordinal))],
            [.. Retained.Where(r => string.Equals(r.Event.Subject, s, StringComparison.Ordinal))]))];

    /// <summary>
    /// Forgets subjects once their receiver has them durably. A subject that took more events since it was copied stays
    /// (it is sent again whole; the receiver replaces what it was given before).
    /// </summary>
    public void Release(IEnumerable<SubjectTransfer> sent)
    {
        _ = ActiveSubjects;
        foreach (var transfer in sent)
        {
            if (!Subjects.TryGetValue(transfer.Subject, out var subject) || subject.LastSequence != transfer.LastSequence
                || subject.LastSourceSequence != transfer.LastSourceSequence || subject.Pending.Count != transfer.Pending.Count)
            {
                continue;
            }

            var name = transfer.Subject;
            foreach (var queued in subject.Pending)
            {
                Removed(EntryKind.Pending, name, queued.Sequence);
            }

            foreach (var letter in DeadLetters.Where(d => string.Equals(d.Queued.Event.Subject, name, StringComparison.Ordinal)))
            {
                Removed(EntryKind.DeadLetter, name, letter.Queued.Sequence);
            }

            foreach (var kept in Retained.Where(r => string.Equals(r.Event.Subject, name, StringComparison.Ordinal)))
            {
                Removed(EntryKind.Retained, name, kept.Sequence);
                RetainedKeys.Remove((name, kept.Sequence));
            }

            DeadLetters.RemoveAll(d => string.Equals(d.Queued.Event.Subject, name, StringComparison.Ordinal));
            Retained.RemoveAll(r => string.Equals(r.Event.Subject, name, StringComparison.Ordinal));
            _depth -= subject.Pending.Count;
            _active.Remove(name);
            Subjects.Remove(name);
            _changedSubjects.Remove(name);
            _removedSubjects.Add(name);
        }
    }

    /// <summary>
    /// Takes a subject over from another partition: its events come first, with their sequences; events accepted here
    /// for it since the move (held, never delivered) follow, numbered on from the handed-over ones, and those the sender
    /// had accepted already are dropped. A transfer seen before changes nothing. Answers the events taken.
    /// </summary>
    public int TakeOver(SubjectTransfer transfer)
    {
        _ = ActiveSubjects;
        var name = transfer.Subject;
        var subject = Subject(name);
        var incoming = transfer.EventIds.ToHashSet(StringComparer.Ordinal);
        var known = subject.Pending.Select(p => p.Event.Id)
            .Concat(DeadLetters.Where(d => d.Queued.Event.Subject == name).Select(d => d.Queued.Event.Id))
            .Concat(Retained.Where(r => r.Event.Subject == name).Select(r => r.Event.Id))
            .ToHashSet(StringComparer.Ordinal);
        // Merged before: everything it carries is here, and what was accepted here is numbered after it.
        if (subject.LastSequence >= transfer.LastSequence && incoming.IsSubsetOf(known)
            && subject.Pending.TrueForAll(p => incoming.Contains(p.Event.Id) || p.Sequence > transfer.LastSequence))
        {
            return 0;
        }

        var own = subject.Pending.Where(p => !incoming.Contains(p.Event.Id) && p.Event.SourceSequence > transfer.LastSourceSequence).ToList();
        foreach (var queued in subject.Pending)
        {
            Removed(EntryKind.Pending, name, queued.Sequence);
        }

        _depth -= subject.Pending.Count;
        subject.Pending.Clear();
        var taken = transfer.Pending.OrderBy(p => p.Sequence).ToList();
        taken.AddRange(own.Select((p, i) => p with { Sequence = transfer.LastSequence + 1 + i }));
        foreach (var queued in taken)
        {
            AddPending(name, subject, queued);
        }

        if (subject.Pending.Count == 0)
        {
            _active.Remove(name);
        }

        foreach (var letter in transfer.DeadLetters.Where(d => !known.Contains(d.Queued.Event.Id)))
        {
            DeadLetters.Add(letter);
            Upserted(EntryKind.DeadLetter, name, letter.Queued.Sequence, letter);
        }

        foreach (var kept in transfer.Retained.Where(r => RetainedKeys.Add((name, r.Sequence))))
        {
            Retained.Add(kept);
            Upserted(EntryKind.Retained, name, kept.Sequence, kept);
        }

        Retained.Sort((a, b) => a.DeliveredAt.CompareTo(b.DeliveredAt));
        subject.LastSequence = transfer.LastSequence + own.Count;
        subject.LastSourceSequence = Math.Max(subject.LastSourceSequence, transfer.LastSourceSequence);
        SubjectChanged(name);
        _removedSubjects.Remove(name);
        return transfer.Pending.Count + transfer.DeadLetters.Count;
    }
}
