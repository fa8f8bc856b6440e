namespace Grid.Infrastructure;

/// <summary>
/// Group commit for one activation: commands decide in memory one at a time, then wait for a storage write that
/// includes their change. While a write is in flight, the changes made meanwhile gather and go in the next write,
/// so a hot grain does one storage round trip per batch rather than per command. A caller is released only after
/// a write that started after its change has committed.
/// </summary>
/// <remarks>
/// Runs on the activation's scheduler (single-threaded), so no locks are needed. After a failed write the in-memory
/// state is ahead of storage: every waiting and later caller gets the failure, and the owner deactivates so the
/// next activation starts again from what storage holds.
/// </remarks>
public sealed class GroupCommit(Func<Task> writeAsync)
{
    private long _changed;
    private long _durable;
    private long _writing;
    private TaskCompletionSource? _inFlight;
    private TaskCompletionSource? _next;
    private Exception? _failure;

    /// <summary>How many writes have completed; for tests and metrics.</summary>
    public long WriteCount { get; private set; }

    public bool HasFailed => _failure is not null;

    /// <summary>Records that the state changed and must be written before the change is acknowledged.</summary>
    public void MarkChanged() => _changed++;

    /// <summary>Completes once every change made so far is durable; faults if a write including them failed.</summary>
    public Task WhenDurable()
    {
        if (_failure is not null)
        {
            return Task.FromException(_failure);
        }

        if (_durable >= _changed)
        {
            return Task.CompletedTask;
        }

        if (_inFlight is not null && _writing >= _changed)
        {
            return _inFlight.Task;
        }

        _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiter = _next.Task;
        if (_inFlight is null)
        {
            _ = WriteLoopAsync();
        }

        return waiter;
    }

    private async Task WriteLoopAsync()
    {
        while (_next is not null)
        {
            _inFlight = _next;
            _next = null;
            _writing = _changed;
            try
            {
                await writeAsync();
                _durable = _writing;
                WriteCount++;
                _inFlight.SetResult();
            }
            catch (Exception ex)
            {
                _failure = ex;
                _inFlight.SetException(ex);
                _next?.SetException(ex);
                _next = null;
            }
            finally
            {
                _inFlight = null;
            }
        }
    }
}
