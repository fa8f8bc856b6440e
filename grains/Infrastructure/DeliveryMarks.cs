using Grid.Domain;
using Grid.Inventory;
using Grid.Streams;
using Orleans.Streams;

namespace Grid.Infrastructure;

/// <summary>
/// Where a queued event sat in its durable queue, as the domain's <see cref="DeliveryMark"/>: the one place a stream
/// position becomes the mark that makes applying a redelivery a no-op. Only Grid's PostgreSQL queues redeliver (after a
/// silo crash or a queue hand-over), so only their positions are marks; the dev mode's memory streams never redeliver
/// and carry none, and every event is applied once as delivered.
/// </summary>
internal static class DeliveryMarks
{
    public static DeliveryMark? Of(StreamSequenceToken? token)
        => token is QueuePosition p ? new DeliveryMark(p.TransactionId, p.MessageId, p.EventIndex) : null;

    public static DeliveryMark? Of(QueueMark? mark)
        => mark is { } m ? new DeliveryMark(m.Transaction, m.Message, m.Index) : null;

    public static QueueMark? ToQueueMark(StreamSequenceToken? token)
        => token is QueuePosition p ? new QueueMark(p.TransactionId, p.MessageId, p.EventIndex) : null;
}
