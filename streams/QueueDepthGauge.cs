using System.Diagnostics.Metrics;

namespace Grid.Streams;

/// <summary>
/// The depth of one provider's queues for the <c>grid.streams.queue_depth</c> gauge. A gauge is read synchronously, so
/// it answers the last count and, when that is older than <see cref="MaxAge"/>, starts a new count in the background.
/// </summary>
internal sealed class QueueDepthGauge(StreamMessageStore store, int queueCount, TimeProvider clock)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private IReadOnlyList<Measurement<long>> _last = [];
    private DateTimeOffset _countedAt = DateTimeOffset.MinValue;
    private Task? _counting;

    public IReadOnlyList<Measurement<long>> Observe()
    {
        lock (_gate)
        {
            if (_counting is null && clock.GetUtcNow() - _countedAt >= MaxAge)
            {
                _counting = Task.Run(CountAsync);
            }

            return _last;
        }
    }

    /// <summary>Completes when the count in progress (if any) has finished; for tests.</summary>
    public Task WhenCounted()
    {
        lock (_gate)
        {
            return _counting ?? Task.CompletedTask;
        }
    }

    private async Task CountAsync()
    {
        IReadOnlyList<Measurement<long>>? counted = null;
        try
        {
            var depths = await store.GetQueueDepthsAsync(CancellationToken.None);
            counted = [.. Enumerable.Range(0, queueCount).Select(queue => new Measurement<long>(
                depths.GetValueOrDefault(queue),
                new KeyValuePair<string, object?>("provider", store.Provider),
                new KeyValuePair<string, object?>("queue", queue)))];
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // The database is unreachable: keep the last figures; the next collection tries again.
        }
        finally
        {
            lock (_gate)
            {
                if (counted is not null)
                {
                    _last = counted;
                }

                _countedAt = clock.GetUtcNow();
                _counting = null;
            }
        }
    }
}
