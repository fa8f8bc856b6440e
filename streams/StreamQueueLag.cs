using Orleans.Streams;

namespace Grid.Streams;

/// <summary>
/// How far behind the consumers of one stream provider are, per queue. Measured by <see cref="RefreshAsync"/> (a
/// caller decides how often) and read without I/O by <see cref="LagOf"/>, so that a gateway can decide per request
/// whether to take more events.
/// </summary>
public interface IStreamQueueLag
{
    /// <summary>When the figures were last measured, or null before the first measurement.</summary>
    DateTimeOffset? MeasuredAt { get; }

    /// <summary>Measures every queue again.</summary>
    Task RefreshAsync(CancellationToken cancellationToken);

    /// <summary>The lag of the queue that carries <paramref name="stream"/> (<see cref="QueueLag.None"/> when nothing waits).</summary>
    QueueLag LagOf(StreamId stream);

    /// <summary>The age of the oldest message waiting in any queue (zero when none waits), whether or not its queue is read.</summary>
    TimeSpan Oldest { get; }
}

/// <summary>How far behind one queue is.</summary>
/// <param name="Behind">
/// How long its oldest waiting message has waited while the queue was being read: the time in which nobody read it (a
/// silo handing it to another) is left out, so that a queue changing hands is not taken for one that cannot keep up.
/// </param>
/// <param name="Unread">How long its oldest message has been waiting without the queue being read: zero while it is read.</param>
public readonly record struct QueueLag(TimeSpan Behind, TimeSpan Unread)
{
    public static QueueLag None => default;
}

/// <summary>
/// The PostgreSQL queues' <see cref="IStreamQueueLag"/>: one statement per refresh, an index probe per queue; whether
/// a queue is being read comes from the heads successive refreshes find (<see cref="QueueHeadWatch"/>).
/// </summary>
internal sealed class PostgresStreamQueueLag(PostgresStreamQueues queues, IStreamQueueMapper mapper, TimeProvider clock) : IStreamQueueLag
{
    private readonly int[] _queueIds = [.. mapper.GetAllQueues().Select(PostgresQueueAdapter.QueueNumber)];
    private readonly QueueHeadWatch _watch = new();
    private readonly Lock _observing = new();
    private volatile Dictionary<int, QueueLag> _lags = [];
    private DateTimeOffset? _measuredAt;

    public DateTimeOffset? MeasuredAt => _measuredAt;

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var heads = await queues.Store.GetQueueHeadsAsync(_queueIds, cancellationToken);
        lock (_observing)
        {
            var now = clock.GetUtcNow();
            _lags = _watch.Observe(heads, now);
            Oldest = heads.Values.Select(h => h.Age).DefaultIfEmpty(TimeSpan.Zero).Max();
            _measuredAt = now;
        }
    }

    public QueueLag LagOf(StreamId stream)
        => _lags.GetValueOrDefault(PostgresQueueAdapter.QueueNumber(mapper.GetQueueForStream(stream)));

    public TimeSpan Oldest { get; private set; }
}
