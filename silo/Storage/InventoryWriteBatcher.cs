using System.Threading.Channels;
using Npgsql;

namespace Grid.Silo.Storage;

/// <summary>
/// Group commit across grains: the SKU-location writes waiting at the same moment go to PostgreSQL as one batch, in
/// one round trip and one transaction (one WAL flush), instead of one each. A few flushes may run at once; when the
/// silo is quiet a write goes out alone at once, so batching costs no latency, and under load the batches grow by
/// themselves. A write's statement answers its new version, or nothing when the version it expected is gone.
/// </summary>
/// <remarks>
/// A batch is one implicit transaction: if any statement fails (not a version mismatch, which is an empty answer,
/// but an error), every write of the batch fails and none is stored, and each grain reloads from storage.
/// </remarks>
internal sealed class InventoryWriteBatcher : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly int _maxBatch;
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    private readonly Task[] _flushers;

    public InventoryWriteBatcher(NpgsqlDataSource dataSource, int concurrentFlushes = 4, int maxBatch = 256)
    {
        _dataSource = dataSource;
        _maxBatch = maxBatch;
        _flushers = [.. Enumerable.Range(0, concurrentFlushes).Select(_ => Task.Run(FlushLoopAsync))];
    }

    /// <summary>Queues one write; completes with the version it wrote, or null when its expected version was not found.</summary>
    public Task<int?> WriteAsync(NpgsqlBatchCommand command)
    {
        var pending = new PendingWrite(command);
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
        var batch = new List<PendingWrite>(_maxBatch);
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
                var versions = await ExecuteAsync(batch);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Completion.TrySetResult(versions[i]);
                }
            }
            catch (Exception ex)
            {
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(ex);
                }
            }

            batch.Clear();
        }
    }

    private async Task<int?[]> ExecuteAsync(List<PendingWrite> writes)
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection);
        foreach (var write in writes)
        {
            batch.BatchCommands.Add(write.Command);
        }

        var versions = new int?[writes.Count];
        await using var reader = await batch.ExecuteReaderAsync();
        var index = 0;
        do
        {
            versions[index++] = await reader.ReadAsync() ? reader.GetInt32(0) : null;
        }
        while (await reader.NextResultAsync());

        if (index != writes.Count)
        {
            throw new InvalidOperationException($"A batch of {writes.Count} inventory writes answered {index} results.");
        }

        return versions;
    }

    private sealed record PendingWrite(NpgsqlBatchCommand Command)
    {
        public TaskCompletionSource<int?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
