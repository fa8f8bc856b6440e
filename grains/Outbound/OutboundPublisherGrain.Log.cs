using Microsoft.Extensions.Logging;

namespace Grid.Outbound;

// Log messages (event ids 14xx).
public sealed partial class OutboundPublisherGrain
{
    [LoggerMessage(EventId = 1401, EventName = "OutboundRetry", Level = LogLevel.Debug,
        Message = "Outbound {Target}: {Type} {Subject} #{Sequence} not delivered ({Result}), attempt {Attempts}; retried later")]
    private partial void LogRetry(string target, string type, string subject, long sequence, string result, int attempts);

    [LoggerMessage(EventId = 1402, EventName = "OutboundDeadLettered", Level = LogLevel.Warning,
        Message = "Outbound {Target}: {Type} {Subject} #{Sequence} dead-lettered: {Result}")]
    private partial void LogDeadLettered(string target, string type, string subject, long sequence, string result);

    [LoggerMessage(EventId = 1403, EventName = "OutboundReplayed", Level = LogLevel.Information,
        Message = "Outbound {Target}/{Partition}: {Count} dead letter(s) queued again")]
    private partial void LogReplayed(string target, int partition, int count);

    [LoggerMessage(EventId = 1404, EventName = "OutboundPaused", Level = LogLevel.Information,
        Message = "Outbound {Target}/{Partition}: paused = {Paused}")]
    private partial void LogPaused(string target, int partition, bool paused);

    [LoggerMessage(EventId = 1405, EventName = "OutboundUnknownTarget", Level = LogLevel.Warning,
        Message = "Outbound {Target}: {Depth} event(s) wait for a target that is no longer configured; they stay until it is again")]
    private partial void LogUnknownTarget(string target, long depth);

    [LoggerMessage(EventId = 1406, EventName = "OutboundPumpFailed", Level = LogLevel.Error,
        Message = "Outbound {Target}/{Partition}: draining stopped; the publisher reloads from storage")]
    private partial void LogPumpFailed(Exception exception, string target, int partition);

    [LoggerMessage(EventId = 1407, EventName = "OutboundWriteFailed", Level = LogLevel.Error,
        Message = "Outbound {Target}/{Partition}: write failed; the publisher reloads from storage")]
    private partial void LogWriteFailed(Exception exception, string target, int partition);

    [LoggerMessage(EventId = 1409, EventName = "OutboundHandedOver", Level = LogLevel.Information,
        Message = "Outbound {Target}/{Partition}: {Subjects} subject(s) handed over to partition {To} (the partition count changed)")]
    private partial void LogHandedOver(string target, int partition, int subjects, int to);

    [LoggerMessage(EventId = 1415, EventName = "OutboundTookOver", Level = LogLevel.Information,
        Message = "Outbound {Target}/{Partition}: took over {Subjects} subject(s) with {Events} event(s) from partition {From}")]
    private partial void LogTookOver(string target, int partition, int subjects, int events, int from);
}
