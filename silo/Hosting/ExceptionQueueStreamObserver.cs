using Grid.Exceptions;
using Grid.Streams;

namespace Grid.Silo.Hosting;

/// <summary>
/// Raises a queue's dead letters in the exception queue: one exception per provider and queue, counting each
/// dead-lettering, so an operator sees them beside everything else and replays them under <c>/api/v1/ops/streams</c>.
/// </summary>
internal sealed class ExceptionQueueStreamObserver(IGrainFactory grains, TimeProvider clock) : IStreamDeadLetterObserver
{
    public Task DeadLetteredAsync(string provider, int queue, int count, string reason, CancellationToken cancellationToken = default)
        => grains.GetGrain<IExceptionQueueGrain>(0).Report([new ExceptionReportInput(
            ExceptionKind.StreamDeadLetter,
            ExceptionSubject.StreamQueue(provider, queue),
            $"{count} message(s) of queue {queue} went to the dead letters: {reason} Replay them under /api/v1/ops/streams.",
            clock.GetUtcNow(),
            Guid.NewGuid().ToString("N"))]);
}
