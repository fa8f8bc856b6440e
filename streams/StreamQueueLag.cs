using Orleans.Streams;

namespace Grid.Streams;

/// <summary>
/// How far behind the consumers of one stream provider are: for each queue, how long its oldest waiting message has
/// waited. Measured by <see cref="RefreshAsync"/> (a caller decides how often) and read without I/O by
/// <see cref="LagOf"/>, so that a gateway can decide per request whether to take more events.
/// </summary>
public interface IStreamQueueLag
{
    /// <summary>When the figures were last measured, or null before the first measurement.</summary>
    DateTimeOffset? MeasuredAt { get; }

    /// <summary>Measures every queue again.</summary>
    Task RefreshAsync(CancellationToken cancellationToken);

    /// <summary>The age of the oldest message waiting in the queue that carries <paramref name="stream"/> (zero when none waits).</summary>
    TimeSpan LagOf(StreamId stream);

    /// <summary>The age of the oldest message waiting in any queue (zero when none waits).</summary>
    TimeSpan Oldest { get; }
}

/// <summary>The PostgreSQL queues' <see cref="IStreamQueueLag"/>: one statement per refresh, an index probe per queue.</summary>
internal sealed class PostgresStreamQueueLag(PostgresStreamQueues queues, IStreamQueueMapper mapper, TimeProvider clock) : IStreamQueueLag
{
    private readonly int[] _queueIds = [.. mapper.GetAllQueues().Select(PostgresQueueAdapter.QueueNumber)];
    private volatile Dictionary<int, TimeSpan> _ages = [];
    private DateTimeOffset? _measuredAt;

    public DateTimeOffset? MeasuredAt => _measuredAt;

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        _ages = await queues.Store.GetQueueAgesAsync(_queueIds, cancellationToken);
        _measuredAt = clock.GetUtcNow();
    }

    public TimeSpan LagOf(StreamId stream)
        => _ages.GetValueOrDefault(PostgresQueueAdapter.QueueNumber(mapper.GetQueueForStream(stream)));

    public TimeSpan Oldest => _ages.Values.DefaultIfEmpty(TimeSpan.Zero).Max();
}
