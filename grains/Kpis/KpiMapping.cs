using Grid.Domain.Kpis;

namespace Grid.Kpis;

/// <summary>Between the KPI contracts and the domain (the fact kinds by value: see the mirrored enum specs), and from the history's added-up slots to the KPI answer.</summary>
internal static class KpiMapping
{
    public static KpiSample ToSample(this KpiFact f) => new((KpiFactKind)f.Kind, f.At, f.Count, f.Hits, f.Seconds, f.Key);

    public static KpiFact ToDomain(this KpiSample s) => new((Domain.Kpis.KpiFactKind)s.Kind, s.At, s.Count, s.Hits, s.Seconds, s.Key);

    public static KpiReport ToReport(this KpiSlot total, KpiWindow window, IReadOnlyList<KpiSlot> trend) => new(
        window.Name,
        window.From,
        window.To,
        new OrderFallout(total.OrdersAccepted, total.OrdersNeedingAttention, KpiSlot.Rate(total.OrdersNeedingAttention, total.OrdersAccepted)),
        new FillRate(total.Lines, total.LinesFilledOnFirstAllocation, KpiSlot.Rate(total.LinesFilledOnFirstAllocation, total.Lines)),
        new PromiseAccuracy(total.LinesShipped, total.LinesShippedByPromise, KpiSlot.Rate(total.LinesShippedByPromise, total.LinesShipped)),
        [.. total.SyncLatency.OrderBy(t => t.Key, StringComparer.Ordinal)
            .Select(t => new TargetLatency(t.Key, t.Value.Count, t.Value.Percentile(0.5), t.Value.Percentile(0.99)))],
        new Latency99(total.ShipmentPropagation.Count, total.ShipmentPropagation.Percentile(0.5), total.ShipmentPropagation.Percentile(0.99)),
        total.LatestDrift() is { } drift ? new DriftFigures(drift.At, drift.Units, drift.SkuLocations) : null,
        [.. total.ExceptionResolution.OrderBy(k => k.Key, StringComparer.Ordinal)
            .Select(k => new ResolutionTime(k.Key, k.Value.Count, k.Value.Percentile(0.5), k.Value.Percentile(0.9)))],
        new Latency90(total.OrderCycle.Count, total.OrderCycle.Percentile(0.5), total.OrderCycle.Percentile(0.9)),
        [.. trend.Select((slot, i) => slot.ToTrend(window.From + (window.BucketLength * i), window.From + (window.BucketLength * (i + 1))))]);

    private static KpiTrendBucket ToTrend(this KpiSlot slot, DateTimeOffset from, DateTimeOffset to) => new(
        from,
        to,
        KpiSlot.Rate(slot.OrdersNeedingAttention, slot.OrdersAccepted),
        KpiSlot.Rate(slot.LinesFilledOnFirstAllocation, slot.Lines),
        KpiSlot.Rate(slot.LinesShippedByPromise, slot.LinesShipped),
        slot.ExceptionsResolved,
        slot.AllResolutions().Percentile(0.5));
}
