namespace Grid.Streams;

/// <summary>
/// Told whenever messages or events of a queue go to the dead letters (an optional service: the silo registers one that
/// raises them in the exception queue). A failure here is logged by the caller and never stops the dead-lettering.
/// </summary>
public interface IStreamDeadLetterObserver
{
    /// <summary><paramref name="count"/> messages (or one message's events) of queue <paramref name="queue"/> of <paramref name="provider"/> were dead-lettered.</summary>
    Task DeadLetteredAsync(string provider, int queue, int count, string reason, CancellationToken cancellationToken = default);
}
