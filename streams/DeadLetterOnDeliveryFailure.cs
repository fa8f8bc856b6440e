using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace Grid.Streams;

/// <summary>
/// Orleans retries a failing consumer until its maximum delivery time, then calls this once and moves on without
/// acknowledging the message. Moving it to the dead letters keeps it visible and replayable instead of stuck.
/// </summary>
internal sealed partial class DeadLetterOnDeliveryFailure(Func<PostgresQueueReceiver?> receiver, ILogger<DeadLetterOnDeliveryFailure> logger) : IStreamFailureHandler
{
    public bool ShouldFaultSubsriptionOnError => false;

    public async Task OnDeliveryFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken)
    {
        if (sequenceToken is not QueuePosition position)
        {
            LogUnknownPosition(streamIdentity, sequenceToken);
            return;
        }

        if (receiver() is { } current
            && await current.DeadLetterIfPoisonAsync(position, $"The consumer of {streamIdentity} kept failing for the whole delivery time."))
        {
            LogDeadLettered(streamIdentity, position);
        }
    }

    public Task OnSubscriptionFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken)
    {
        LogSubscriptionFailed(streamIdentity, sequenceToken);
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 3101, EventName = "StreamMessageDeadLettered", Level = LogLevel.Warning,
        Message = "A message on {StreamId} at {Position} kept failing and was moved to the dead letters")]
    private partial void LogDeadLettered(StreamId streamId, QueuePosition position);

    [LoggerMessage(EventId = 3102, EventName = "StreamFailureWithoutPosition", Level = LogLevel.Error,
        Message = "Delivery on {StreamId} failed at {Token}, which is not a PostgreSQL stream position; nothing was dead-lettered")]
    private partial void LogUnknownPosition(StreamId streamId, StreamSequenceToken? token);

    [LoggerMessage(EventId = 3103, EventName = "StreamSubscriptionFailed", Level = LogLevel.Error,
        Message = "Subscribing to {StreamId} failed at {Token}")]
    private partial void LogSubscriptionFailed(StreamId streamId, StreamSequenceToken? token);
}
