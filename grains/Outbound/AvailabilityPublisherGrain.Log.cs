using Microsoft.Extensions.Logging;

namespace Grid.Outbound;

// Log messages (event ids 1410-1414).
public sealed partial class AvailabilityPublisherGrain
{
    [LoggerMessage(EventId = 1410, EventName = "AvailabilityDeadLettered", Level = LogLevel.Warning,
        Message = "Outbound {Target}: availability of {Subject} at feed position {Position} dead-lettered: {Result}")]
    private partial void LogDeadLettered(string target, string subject, long position, string result);

    [LoggerMessage(EventId = 1411, EventName = "AvailabilityReplayed", Level = LogLevel.Information,
        Message = "Outbound {Target}: {Count} availability dead letter(s) delivered again")]
    private partial void LogReplayed(string target, int count);

    [LoggerMessage(EventId = 1412, EventName = "AvailabilityPaused", Level = LogLevel.Information,
        Message = "Outbound {Target}: availability delivery paused = {Paused}")]
    private partial void LogPaused(string target, bool paused);

    [LoggerMessage(EventId = 1413, EventName = "AvailabilityPumpFailed", Level = LogLevel.Warning,
        Message = "Outbound {Target}: the availability feed could not be read or the cursor not stored; tried again in 5 s")]
    private partial void LogPumpFailed(Exception exception, string target);

    [LoggerMessage(EventId = 1414, EventName = "AvailabilityExceptionQueueMissed", Level = LogLevel.Warning,
        Message = "Outbound {Target}: the exception queue could not be told of availability dead letters; they are listed under the outbox")]
    private partial void LogExceptionQueueMissed(Exception exception, string target);
}
