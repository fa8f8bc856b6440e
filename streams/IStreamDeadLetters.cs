using Orleans.Streams;

namespace Grid.Streams;

/// <summary>
/// Lets a consumer give up part of a delivery: the events it names go to the dead letters of the stream's queue (where
/// operators see and replay them like any other), and the consumer then completes the delivery, so that the rest of
/// it is acknowledged rather than dead-lettered with them.
/// </summary>
public interface IStreamDeadLetters
{
    /// <summary>
    /// Dead-letters <paramref name="events"/> of <paramref name="streamId"/>; <paramref name="position"/> is where the
    /// first of them was queued (the dead letter keeps that message's age and attempts).
    /// </summary>
    Task DeadLetterAsync(StreamId streamId, QueuePosition position, IReadOnlyList<object> events, string reason, CancellationToken cancellationToken = default);
}

/// <summary>Dead letters in the PostgreSQL queues of one stream provider.</summary>
internal sealed class PostgresStreamDeadLetters(
    PostgresStreamQueues queues, IStreamQueueMapper mapper, Orleans.Serialization.Serializer<StreamMessage> serializer) : IStreamDeadLetters
{
    public async Task DeadLetterAsync(StreamId streamId, QueuePosition position, IReadOnlyList<object> events, string reason, CancellationToken cancellationToken = default)
    {
        var payload = serializer.SerializeToArray(new StreamMessage(streamId, [.. events], null));
        var queue = PostgresQueueAdapter.QueueNumber(mapper.GetQueueForStream(streamId));
        await queues.Store.DeadLetterEventsAsync(queue, position, streamId.GetNamespace() ?? "", streamId.GetKeyAsString(), payload, reason, cancellationToken);
        StreamInstruments.DeadLetters.Add(1, new KeyValuePair<string, object?>("provider", queues.Store.Provider));
        await queues.TellObserverAsync(queue, 1, reason);
    }
}
