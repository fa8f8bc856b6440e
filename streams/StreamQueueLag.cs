using Orleans.Streams;

namespace Grid.Streams;

/// <summary>
/// How far behind the consumers of one stream provider are: for each queue, how long a message queued now would
/// wait (from its oldest waiting message's age and how fast that head moves on), and the oldest message's age. Measured by <see cref="RefreshAsync"/> (a caller decides how often) and read without I/O by
/// <see cref="LagOf"/>, so that a gateway can decide per request whether to take more events.
/// </summary>
public interface IStreamQueueLag
{
    /// <summary>When the figures were last measured, or null before the first measurement.</summary>
    DateTimeOffset? MeasuredAt { get; }

    /// <summary>Measures every queue again.</summary>
    Task RefreshAsync(CancellationToken cancellationToken);

    /// <summary>
    /// How long a message queued now on the queue that carries <paramref name="stream"/> would wait: at least the age of
    /// its oldest waiting message, more while the queue drains slower than it fills (zero when none waits).
    /// </summary>
    TimeSpan LagOf(StreamId stream);

    /// <summary>The age of the oldest message waiting in any queue (zero when none waits).</summary>
    TimeSpan Oldest { get; }
}

/// <summary>The PostgreSQL queues' <see cref="IStreamQueueLag"/>: one statement per refresh, an index probe per queue.</summary>
internal sealed class PostgresStreamQueueLag(PostgresStreamQueues queues, IStreamQueueMapper mapper, TimeProvider clock) : IStreamQueueLag
{
    private readonly int[] _queueIds = [.. mapper.GetAllQueues().Select(PostgresQueueAdapter.QueueNumber)];
    private readonly Dictionary<int, QueueDrainEstimate> _estimates = [];
    private volatile Dictionary<int, TimeSpan> _waits = [];
    private volatile Dictionary<int, TimeSpan> _ages = [];
    private DateTimeOffset? _measuredAt;

    public DateTimeOffset? MeasuredAt => _measuredAt;

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var ages = await queues.Store.GetQueueAgesAsync(_queueIds, cancellationToken);
        // The gateway's probe and an import may both measure.
        lock (_estimates)
        {
            var now = clock.GetUtcNow();
            var waits = new Dictionary<int, TimeSpan>(ages.Count);
            foreach (var queue in _queueIds)
            {
                if (!_estimates.TryGetValue(queue, out var estimate))
                {
                    _estimates[queue] = estimate = new QueueDrainEstimate();
                }

                estimate.Observe(ages.TryGetValue(queue, out var age) ? age : null, now);
                if (estimate.Wait > TimeSpan.Zero)
                {
                    waits[queue] = estimate.Wait;
                }
            }

            (_ages, _waits, _measuredAt) = (ages, waits, now);
        }
    }

    public TimeSpan LagOf(StreamId stream)
        => _waits.GetValueOrDefault(PostgresQueueAdapter.QueueNumber(mapper.GetQueueForStream(stream)));

    public TimeSpan Oldest => _ages.Values.DefaultIfEmpty(TimeSpan.Zero).Max();
}
