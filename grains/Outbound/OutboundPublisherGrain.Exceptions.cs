using System.Globalization;
using Grid.Domain.Outbound;
using Grid.Exceptions;
using Microsoft.Extensions.Logging;

namespace Grid.Outbound;

// Dead letters in the exception queue: one exception per target and publisher partition, counting each dead letter,
// resolved by the system once a replay leaves the partition without any. One per partition rather than per event:
// an exception event that is itself dead-lettered counts into an open exception instead of opening another.
public sealed partial class OutboundPublisherGrain
{
    private ExceptionSubject TargetSubject => new(ExceptionSubjectType.Target, _target);

    private string PartitionName => _partition.ToString(CultureInfo.InvariantCulture);

    private async Task ReportDeadLettersAsync(IReadOnlyList<(QueuedEvent Queued, string Described)> dead, DateTimeOffset at)
    {
        try
        {
            await GrainFactory.GetGrain<IExceptionQueueGrain>(0).Report([.. dead.Select(d => new ExceptionReportInput(
                ExceptionKind.OutboundDeadLetter,
                TargetSubject,
                $"Target {_target} gave up on {d.Queued.Event.Type} {d.Queued.Event.Subject} #{d.Queued.Sequence}: {d.Described}. "
                    + $"{Queue.DeadLetters.Count} dead letter(s) wait in partition {_partition}; replay them under /api/v1/ops/outbox/{_target}/dead-letters.",
                at,
                $"{_target}/{d.Queued.Event.Id}",
                Discriminator: PartitionName,
                Reference: d.Queued.Event.Id))]);
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            LogExceptionQueueMissed(ex, _target, _partition);
        }
    }

    private async Task ClearDeadLettersAsync()
    {
        try
        {
            await GrainFactory.GetGrain<IExceptionQueueGrain>(0).Clear([new ExceptionClearanceInput(
                ExceptionKind.OutboundDeadLetter, TargetSubject, $"Every dead letter of partition {_partition} was replayed.", Now, PartitionName)]);
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            LogExceptionQueueMissed(ex, _target, _partition);
        }
    }

    [LoggerMessage(EventId = 1408, EventName = "OutboundExceptionQueueMissed", Level = LogLevel.Warning,
        Message = "Outbound {Target}/{Partition}: the exception queue could not be told of its dead letters; they are listed under the outbox")]
    private partial void LogExceptionQueueMissed(Exception exception, string target, int partition);
}
