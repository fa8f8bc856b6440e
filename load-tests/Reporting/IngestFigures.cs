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
            (long)Median(present, f => f.AcceptedEvents),
            Math.Round(Median(present, f => f.SendingSeconds), 2),
            Math.Round(Median(present, f => f.DrainSeconds), 2),
            Math.Round(Median(present, f => f.AppliedPerSecond), 1),
            (long)Median(present, f => f.LeftQueued),
            (long)Median(present, f => f.NewDeadLetters),
            (int)Median(present, f => f.LagSamples),
            MedianOrNull(present, f => f.LagP50Ms),
            MedianOrNull(present, f => f.LagP90Ms),
            MedianOrNull(present, f => f.LagP99Ms),
            MedianOrNull(present, f => f.LagMaxMs));
    }

    private static double Median(IngestFigures[] rounds, Func<IngestFigures, double> figure)
    {
        var sorted = rounds.Select(figure).Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static double? MedianOrNull(IngestFigures[] rounds, Func<IngestFigures, double?> figure)
    {
        var present = rounds.Where(r => figure(r) is not null).ToArray();
        return present.Length == 0 ? null : Math.Round(Median(present, r => figure(r)!.Value), 1);
    }
}
