using Grid.Domain.Outbound;
using Grid.Exceptions;

namespace Grid.Outbound;

// Dead letters in the exception queue: one exception per target for its availability delivery, counting each dead
// letter, resolved by the system once a replay leaves none.
public sealed partial class AvailabilityPublisherGrain
{
    private const string Discriminator = "availability";

    private ExceptionSubject TargetSubject => new(ExceptionSubjectType.Target, _target);

    private async Task ReportDeadLettersAsync(IReadOnlyList<DeadLetter> dead, DateTimeOffset at)
    {
        try
        {
            await GrainFactory.GetGrain<IExceptionQueueGrain>(0).Report([.. dead.Select(d => new ExceptionReportInput(
                ExceptionKind.OutboundDeadLetter,
                TargetSubject,
                $"Target {_target} gave up on the availability of {d.Queued.Event.Subject} (feed position {d.Queued.Sequence}): {d.Reason}. "
                    + $"{Delivery.DeadLetters.Count} availability dead letter(s) wait; replay them under /api/v1/ops/outbox/{_target}/dead-letters.",
                at,
                $"{_target}/{d.Queued.Event.Id}",
                Discriminator: Discriminator,
                Reference: d.Queued.Event.Id))]);
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            LogExceptionQueueMissed(ex, _target);
        }
    }

    private async Task ClearDeadLettersAsync()
    {
        try
        {
            await GrainFactory.GetGrain<IExceptionQueueGrain>(0).Clear([new ExceptionClearanceInput(
                ExceptionKind.OutboundDeadLetter, TargetSubject, "Every availability dead letter was delivered again.", Now, Discriminator)]);
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            LogExceptionQueueMissed(ex, _target);
        }
    }
}
