using Orleans.Streams;

namespace Grid.Streams;

/// <summary>
/// Lets a consumer that has made a delivery durable remove its messages from the queue at once. Orleans acknowledges a
/// delivery only when its cache lets go of it, bucket by bucket and only while new messages keep arriving, so applied
/// messages can sit in the queue for seconds; the queue's lag (what back-pressure reads) would count them as waiting.
/// </summary>
public interface IStreamAcknowledgements
{
    /// <summary>Removes the messages at <paramref name="positions"/> of <paramref name="streamId"/>'s queue (those already gone are skipped).</summary>
    Task AcknowledgeAsync(StreamId streamId, IReadOnlyCollection<QueuePosition> positions, CancellationToken cancellationToken = default);
}

/// <summary>
/// Acknowledgements in the PostgreSQL queues of one stream provider: one DELETE per call, after which the queue's
/// receiver in this process, if any, does not delete the same messages again.
/// </summary>
internal sealed class PostgresStreamAcknowledgements(PostgresStreamQueues queues, IStreamQueueMapper mapper) : IStreamAcknowledgements
{
    public async Task AcknowledgeAsync(StreamId streamId, IReadOnlyCollection<QueuePosition> positions, CancellationToken cancellationToken = default)
    {
        // A message's events share its row: one position per message.
        var messages = positions.Select(p => new QueuePosition(p.TransactionId, p.MessageId)).Distinct().ToList();
        if (messages.Count == 0)
        {
            return;
        }

        var queue = PostgresQueueAdapter.QueueNumber(mapper.GetQueueForStream(streamId));
        await queues.Store.DeleteAsync(queue, messages, cancellationToken);
        queues.Acknowledged(queue, messages);
    }
}
