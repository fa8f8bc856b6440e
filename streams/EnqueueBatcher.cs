using System.Threading.Channels;

namespace Grid.Streams;

/// <summary>
/// Messages queued at the same moment (a gateway request fans out to one stream per SKU-location) go to PostgreSQL in
/// one INSERT: one round trip and one commit instead of one each. Each caller's task completes once the INSERT that
/// holds its message has committed, which is when the gateway may answer 202.
/// </summary>
internal sealed class EnqueueBatcher : IAsyncDisposable
{
    private readonly StreamMessageStore _store;
    private readonly int _maxBatch;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>();
    private readonly Task[] _flushers;

    public EnqueueBatcher(StreamMessageStore store, int concurrency, int maxBatch)
    {
        _store = store;
        _maxBatch = maxBatch;
        _flushers = [.. Enumerable.Range(0, concurrency).Select(_ => Task.Run(FlushLoopAsync))];
    }

    public Task EnqueueAsync(OutgoingMessage message)
    {
        var pending = new Pending(message, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(pending), this);
        return pending.Committed.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_flushers);
    }

    private async Task FlushLoopAsync()
    {
        var batch = new List<Pending>(_maxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                await _store.EnqueueAsync([.. batch.Select(p => p.Message)]);
                batch.ForEach(p => p.Committed.TrySetResult());
            }
            catch (Exception ex)
            {
                batch.ForEach(p => p.Committed.TrySetException(ex));
            }

            batch.Clear();
        }
    }

    private sealed record Pending(OutgoingMessage Message, TaskCompletionSource Committed);
}
