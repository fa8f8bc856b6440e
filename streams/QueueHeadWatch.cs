namespace Grid.Streams;

/// <summary>The message at the head of a queue when measured: where it sits and how long it has waited.</summary>
/// <param name="Position">Its place in the queue's read order.</param>
/// <param name="Age">How long it has waited, by the database's clock.</param>
public readonly record struct QueueHead(QueuePosition Position, TimeSpan Age);

/// <summary>
/// Tells a queue that is read but behind from one that nobody reads for the moment, from the heads that successive
/// measurements find. A queue being read loses its head between measurements as its consumers apply it; a head found
/// again by the next measurement has not moved: the silo reading the queue stopped (a silo left, joined, or died and
/// its queues are waiting for another to take them over) or is stuck on it.
/// </summary>
/// <remarks>
/// <para>
/// While the head stands still, <see cref="QueueLag.Behind"/> keeps the value it had when the head was first found, and
/// <see cref="QueueLag.Unread"/> says for how long. Once the head moves again, the time it stood still is left out of
/// how long the messages then waiting have waited, so the backlog a new reader catches up on does not count as the
/// queue falling behind: only waiting while the queue was read does. Only the last such stop is remembered; it stops
/// mattering once the queue's head was queued after it.
/// </para>
/// <para>Not thread-safe: one caller observes at a time.</para>
/// </remarks>
internal sealed class QueueHeadWatch
{
    private readonly Dictionary<int, Watched> _watched = [];

    /// <summary>
    /// Takes a measurement (the heads of the queues with messages waiting; queues missing are empty) made at
    /// <paramref name="now"/>, and returns each such queue's lag.
    /// </summary>
    public Dictionary<int, QueueLag> Observe(IReadOnlyDictionary<int, QueueHead> heads, DateTimeOffset now)
    {
        foreach (var emptied in _watched.Keys.Where(q => !heads.ContainsKey(q)).ToList())
        {
            _watched.Remove(emptied);
        }

        var lags = new Dictionary<int, QueueLag>(heads.Count);
        foreach (var (queue, head) in heads)
        {
            var watched = _watched.TryGetValue(queue, out var last)
                ? Next(last, head, now)
                : new Watched(head.Position, now, head.Age, StoodStill: false, LastStop: null);
            _watched[queue] = watched;
            lags[queue] = new QueueLag(watched.Behind, watched.StoodStill ? now - watched.FirstSeen : TimeSpan.Zero);
        }

        return lags;
    }

    private static Watched Next(Watched last, QueueHead head, DateTimeOffset now)
    {
        if (last.Position.Equals(head.Position))
        {
            return last with { StoodStill = true };
        }

        var lastStop = last.StoodStill ? new Stop(last.FirstSeen, now) : last.LastStop;
        var behind = head.Age - (lastStop?.Overlap(now - head.Age, now) ?? TimeSpan.Zero);
        return new Watched(head.Position, now, behind > TimeSpan.Zero ? behind : TimeSpan.Zero, StoodStill: false, lastStop);
    }

    /// <summary>A queue's head as last found, and since when, with the lag it was given then.</summary>
    private sealed record Watched(QueuePosition Position, DateTimeOffset FirstSeen, TimeSpan Behind, bool StoodStill, Stop? LastStop);

    /// <summary>A time in which the queue's head stood still.</summary>
    private sealed record Stop(DateTimeOffset From, DateTimeOffset To)
    {
        public TimeSpan Overlap(DateTimeOffset from, DateTimeOffset to)
        {
            var overlap = (to < To ? to : To) - (from > From ? from : From);
            return overlap > TimeSpan.Zero ? overlap : TimeSpan.Zero;
        }
    }
}
