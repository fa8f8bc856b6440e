using Microsoft.Extensions.Logging;
using D = Grid.Domain.Exceptions;

namespace Grid.Exceptions;

public sealed partial class ExceptionPartitionGrain
{
    [LoggerMessage(EventId = 1601, EventName = "ExceptionOpened", Level = LogLevel.Warning,
        Message = "Exception {ExceptionId} opened: {Kind} of {Subject}: {Detail}")]
    private partial void LogOpened(string exceptionId, D.ExceptionKind kind, string subject, string detail);

    [LoggerMessage(EventId = 1602, EventName = "ExceptionResolved", Level = LogLevel.Information,
        Message = "Exception {ExceptionId} ({Kind}) resolved by {ResolvedBy}: {Resolution}")]
    private partial void LogResolved(string exceptionId, D.ExceptionKind kind, string resolvedBy, string resolution);

    [LoggerMessage(EventId = 1603, EventName = "ExceptionRelayDeferred", Level = LogLevel.Warning,
        Message = "Exception events of partition {Partition} could not be handed to a publisher; the reminder tries again")]
    private partial void LogRelayDeferred(Exception exception, int partition);
}
