using Microsoft.Extensions.Logging;
using Orleans.Serialization;
using Orleans.Streams;

namespace Grid.Streams;

/// <summary>Queues stream events in PostgreSQL; the task a producer awaits completes once they are committed.</summary>
internal sealed class PostgresQueueAdapter(
    string name,
    PostgresStreamQueues queues,
    IStreamQueueMapper mapper,
    Serializer<StreamMessage> serializer,
    TimeProvider clock,
    ILoggerFactory loggers,
    Action<QueueId, PostgresQueueReceiver> receiverCreated) : IQueueAdapter
{
    public string Name => name;

    public bool IsRewindable => false;

    public StreamProviderDirection Direction => StreamProviderDirection.ReadWrite;

    public Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        if (token is not null)
        {
            throw new NotSupportedException($"The PostgreSQL stream provider '{name}' assigns positions itself; events cannot be queued at a given token.");
        }

        var message = new StreamMessage(streamId, [.. events.Cast<object>()], requestContext is { Count: > 0 } ? requestContext : null);
        if (message.Events.Count == 0)
        {
            return Task.CompletedTask;
        }

        var queue = mapper.GetQueueForStream(streamId);
        return queues.EnqueueAsync(new OutgoingMessage(
            QueueNumber(queue), streamId.GetNamespace() ?? "", streamId.GetKeyAsString(), serializer.SerializeToArray(message)));
    }

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId)
    {
        var receiver = new PostgresQueueReceiver(queueId, queues, queues.ListenForSignals(loggers), serializer, clock, loggers.CreateLogger<PostgresQueueReceiver>());
        receiverCreated(queueId, receiver);
        return receiver;
    }

    internal static int QueueNumber(QueueId queue) => checked((int)queue.GetNumericId());
}
