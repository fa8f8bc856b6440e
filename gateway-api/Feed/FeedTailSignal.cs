namespace Grid.Gateway.Feed;

/// <summary>
/// Told by this process's inventory storage each time a write that moves the availability feed has committed, so
/// that the feed's tail is read at once rather than at its next poll. Changes written by other processes (other
/// silos) are still found by the poll.
/// </summary>
public sealed class FeedTailSignal
{
    private TaskCompletionSource _poked = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Poke() => Volatile.Read(ref _poked).TrySetResult();

    /// <summary>
    /// Completes at once if a poke came since the last call (the tail read then may have missed its change), else at
    /// the next <see cref="Poke"/> or when <paramref name="within"/> has passed.
    /// </summary>
    public Task WaitAsync(TimeSpan within, TimeProvider clock, CancellationToken cancellationToken)
    {
        var poked = Volatile.Read(ref _poked);
        if (poked.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref _poked, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), poked);
            return Task.CompletedTask;
        }

        return Task.WhenAny(poked.Task, Task.Delay(within, clock, cancellationToken));
    }
}
