namespace Grid.Domain.Kpis;

/// <summary>What a <see cref="KpiFact"/> records.</summary>
public enum KpiFactKind
{
    /// <summary>An order was accepted (sourced, not rejected): <c>Count</c> lines, <c>Hits</c> of them filled complete on first allocation.</summary>
    OrderAccepted = 0,

    /// <summary>An accepted order raised its first exception: it needed a person.</summary>
    OrderNeedsAttention = 1,

    /// <summary>Order lines shipped complete: <c>Count</c> lines, <c>Hits</c> of them by their promised date.</summary>
    LinesShipped = 2,

    /// <summary>An order shipped in full: <c>Seconds</c> from its acceptance.</summary>
    OrderShipped = 3,

    /// <summary>An outbound target acknowledged an event: <c>Key</c> the target, <c>Seconds</c> from the event's time.</summary>
    Delivered = 4,

    /// <summary>The ERP target acknowledged a shipment event: <c>Seconds</c> from the ship confirm.</summary>
    ShipmentPropagated = 5,

    /// <summary>An exception was resolved: <c>Key</c> its kind (camelCase), <c>Seconds</c> from its first sighting.</summary>
    ExceptionResolved = 6,

    /// <summary>A stock snapshot was reconciled: <c>Key</c> the location, <c>Count</c> units and <c>Hits</c> SKU-locations differing.</summary>
    Reconciled = 7,
}

/// <summary>
/// One thing that happened, as the KPIs count it, at the time it happened. Facts are added to the KPI history's
/// five-minute slot of <see cref="At"/>; what <see cref="Count"/>, <see cref="Hits"/>, <see cref="Seconds"/> and
/// <see cref="Key"/> mean depends on the <see cref="Kind"/>.
/// </summary>
public sealed record KpiFact(KpiFactKind Kind, DateTimeOffset At, long Count = 1, long Hits = 0, double Seconds = 0, string? Key = null)
{
    public static KpiFact OrderAccepted(DateTimeOffset at, long lines, long filledOnFirstAllocation)
        => new(KpiFactKind.OrderAccepted, at, lines, filledOnFirstAllocation);

    public static KpiFact OrderNeedsAttention(DateTimeOffset at) => new(KpiFactKind.OrderNeedsAttention, at);

    public static KpiFact LinesShipped(DateTimeOffset at, long lines, long byPromise) => new(KpiFactKind.LinesShipped, at, lines, byPromise);

    public static KpiFact OrderShipped(DateTimeOffset at, TimeSpan sinceAccepted) => new(KpiFactKind.OrderShipped, at, Seconds: Positive(sinceAccepted));

    public static KpiFact Delivered(DateTimeOffset at, string target, TimeSpan latency) => new(KpiFactKind.Delivered, at, Seconds: Positive(latency), Key: target);

    /// <summary>
    /// Many deliveries to a target acknowledged together, as one fact per latency bucket (<see cref="LatencyDigest"/>)
    /// with the number in it: what a busy publisher's round tells the history is bounded by the buckets, not the events.
    /// </summary>
    public static IEnumerable<KpiFact> Delivered(DateTimeOffset at, string target, IEnumerable<TimeSpan> latencies)
        => latencies.Select(Positive).GroupBy(LatencyDigest.KeyOf)
            .Select(bucket => new KpiFact(KpiFactKind.Delivered, at, bucket.LongCount(), Seconds: bucket.First(), Key: target));

    public static KpiFact ShipmentPropagated(DateTimeOffset at, TimeSpan latency) => new(KpiFactKind.ShipmentPropagated, at, Seconds: Positive(latency));

    public static KpiFact ExceptionResolved(DateTimeOffset at, string kind, TimeSpan took) => new(KpiFactKind.ExceptionResolved, at, Seconds: Positive(took), Key: kind);

    public static KpiFact Reconciled(DateTimeOffset at, string location, long units, long skuLocations)
        => new(KpiFactKind.Reconciled, at, units, skuLocations, Key: location);

    private static double Positive(TimeSpan span) => Math.Max(0, span.TotalSeconds);
}
