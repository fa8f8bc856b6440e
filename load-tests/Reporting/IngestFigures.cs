namespace Grid.LoadTests.Reporting;

/// <summary>
/// What a <c>warehouse-ingest</c> pass came to once every accepted event was applied (see <c>IngestProbe</c>):
/// events accepted (lead-in included), the time spent sending and then draining the queues, the applied rate over
/// both, what was still queued when waiting gave up, the events dead-lettered during the pass, and the apply lag
/// (<c>appliedAt − occurredAt</c>) over the receipts found in a sample of SKU-locations; lag is null where the target
/// does not show applied times (the baseline applies before it answers, so its lag is its request latency).
/// </summary>
internal sealed record IngestFigures(
    long AcceptedEvents,
    double SendingSeconds,
    double DrainSeconds,
    double AppliedPerSecond,
    long LeftQueued,
    long NewDeadLetters,
    int LagSamples,
    double? LagP50Ms,
    double? LagP90Ms,
    double? LagP99Ms,
    double? LagMaxMs)
{
    /// <summary>Figure by figure, the median over the rounds (see <see cref="SideFigures"/>).</summary>
    public static IngestFigures? Median(IReadOnlyList<IngestFigures?> rounds)
    {
        var present = rounds.OfType<IngestFigures>().ToArray();
        if (present.Length == 0)
        {
            return null;
        }

        return new IngestFigures(
            (long)Medians.Of(present, f => f.AcceptedEvents),
            Math.Round(Medians.Of(present, f => f.SendingSeconds), 2),
            Math.Round(Medians.Of(present, f => f.DrainSeconds), 2),
            Math.Round(Medians.Of(present, f => f.AppliedPerSecond), 1),
            (long)Medians.Of(present, f => f.LeftQueued),
            (long)Medians.Of(present, f => f.NewDeadLetters),
            (int)Medians.Of(present, f => f.LagSamples),
            Medians.OfPresent(present, f => f.LagP50Ms),
            Medians.OfPresent(present, f => f.LagP90Ms),
            Medians.OfPresent(present, f => f.LagP99Ms),
            Medians.OfPresent(present, f => f.LagMaxMs));
    }
}
