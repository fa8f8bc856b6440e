namespace Grid.LoadTests.Reporting;

/// <summary>
/// What the comparison's webhook receiver got from one side during a pass and the drain after it (see
/// <c>OutboundReceiver</c>): events and requests, events delivered per second over sending plus draining, how long the
/// side's outbox took to empty after the last request and what was still queued when waiting gave up, the delivery lag
/// (the event's time → arrival) percentiles, and what a receiver must never see: bad signatures, repeats, and events
/// behind a later sequence of their subject.
/// </summary>
internal sealed record OutboundFigures(
    long Events,
    long Requests,
    double DeliveredPerSecond,
    double DrainSeconds,
    long LeftQueued,
    double? LagP50Ms,
    double? LagP99Ms,
    double? LagMaxMs,
    long BadSignatures,
    long Repeats,
    long OutOfOrder)
{
    /// <summary>Figure by figure, the median over the rounds; counts of what must not happen are summed.</summary>
    public static OutboundFigures? Median(IReadOnlyList<OutboundFigures?> rounds)
    {
        var present = rounds.OfType<OutboundFigures>().ToArray();
        if (present.Length == 0)
        {
            return null;
        }

        return new OutboundFigures(
            (long)Medians.Of(present, f => f.Events),
            (long)Medians.Of(present, f => f.Requests),
            Math.Round(Medians.Of(present, f => f.DeliveredPerSecond), 1),
            Math.Round(Medians.Of(present, f => f.DrainSeconds), 2),
            (long)Medians.Of(present, f => f.LeftQueued),
            Medians.OfPresent(present, f => f.LagP50Ms),
            Medians.OfPresent(present, f => f.LagP99Ms),
            Medians.OfPresent(present, f => f.LagMaxMs),
            present.Sum(f => f.BadSignatures),
            present.Sum(f => f.Repeats),
            present.Sum(f => f.OutOfOrder));
    }
}
