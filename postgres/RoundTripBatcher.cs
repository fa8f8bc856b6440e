using System.Threading.Channels;

namespace Grid.Postgres;

/// <summary>
/// Requests that arrive at the same moment go to PostgreSQL together, in one round trip, instead of one each. A fixed
/// number of flushes run at once, which also bounds the connections a burst can take; when the process is quiet a
/// request goes out alone at once, so batching costs no latency, and under load the batches grow by themselves.
/// </summary>
/// <remarks>
/// The execute function answers one result per request, in order. If it throws, every request of that batch
/// fails with the same exception.
/// </remarks>
public sealed class RoundTripBatcher<TRequest, TResult> : IAsyncDisposable
{
    private readonly Func<IReadOnlyList<TRequest>, Task<IReadOnlyList<TResult>>> _execute;
    private readonly int _maxBatch;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>();
    private readonly Task[] _flushers;

    public RoundTripBatcher(Func<IReadOnlyList<TRequest>, Task<IReadOnlyList<TResult>>> execute, int concurrency, int maxBatch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _execute = execute;
        _maxBatch = maxBatch;
        _flushers = [.. Enumerable.Range(0, concurrency).Select(_ => Task.Run(FlushLoopAsync))];
    }

    /// <summary>Completes with this request's result once the round trip that carried it has finished.</summary>
    public Task<TResult> SubmitAsync(TRequest request)
    {
        var pending = new Pending(request);
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(pending), this);
        return pending.Completion.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_flushers);
    }

    private async Task FlushLoopAsync()
    {
        var batch = new List<Pending>(_maxBatch);
        var requests = new List<TRequest>(_maxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
                requests.Add(pending.Request);
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                var results = await _execute(requests);
                if (results.Count != batch.Count)
                {
                    throw new InvalidOperationException($"A batch of {batch.Count} requests answered {results.Count} results.");
                }

                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Completion.TrySetResult(results[i]);
                }
            }
            catch (Exception ex)
            {
                batch.ForEach(p => p.Completion.TrySetException(ex));
            }

            batch.Clear();
            requests.Clear();
        }
    }

    private sealed class Pending(TRequest request)
    {
        public TRequest Request { get; } = request;

        public TaskCompletionSource<TResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
