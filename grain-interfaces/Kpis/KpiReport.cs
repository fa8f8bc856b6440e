using System.Collections.Immutable;

namespace Grid.Kpis;

/// <summary>
/// The distribution KPIs over a window (<c>GET /api/v1/ops/kpis</c>): rates are null when their denominator is 0,
/// percentiles null when nothing was measured, <see cref="ReconciliationDrift"/> null when no snapshot was reconciled.
/// </summary>
[GenerateSerializer, Immutable, Alias("grid.kpis.KpiReport")]
public sealed record KpiReport(
    [property: Id(0)] string Window,
    [property: Id(1)] DateTimeOffset From,
    [property: Id(2)] DateTimeOffset To,
    [property: Id(3)] OrderFallout OrderFallout,
    [property: Id(4)] FillRate FillRate,
    [property: Id(5)] PromiseAccuracy PromiseAccuracy,
    [property: Id(6)] ImmutableArray<TargetLatency> SyncLatency,
    [property: Id(7)] Latency99 ShipmentPropagation,
    [property: Id(8)] DriftFigures? ReconciliationDrift,
    [property: Id(9)] ImmutableArray<ResolutionTime> ExceptionResolution,
    [property: Id(10)] Latency90 OrderCycleTime,
    [property: Id(11)] ImmutableArray<KpiTrendBucket> Trend);

/// <summary>Orders accepted, those that needed a person (raised an order exception), and the share.</summary>
[GenerateSerializer, Immutable, Alias("grid.kpis.OrderFallout")]
public sealed record OrderFallout([property: Id(0)] long Orders, [property: Id(1)] long NeedingAttention, [property: Id(2)] double? Rate);

/// <summary>Order lines accepted, those filled complete on first allocation, and the share.</summary>
[GenerateSerializer, Immutable, Alias("grid.kpis.FillRate")]
public sealed record FillRate([property: Id(0)] long Lines, [property: Id(1)] long FilledOnFirstAllocation, [property: Id(2)] double? Rate);

/// <summary>Order lines shipped complete, those shipped by their promised date, and the share.</summary>
[GenerateSerializer, Immutable, Alias("grid.kpis.PromiseAccuracy")]
public sealed record PromiseAccuracy([property: Id(0)] long LinesShipped, [property: Id(1)] long ShippedByPromise, [property: Id(2)] double? Rate);

/// <summary>Events an outbound target acknowledged, and event time to acknowledgement.</summary>
[GenerateSerializer, Immutable, Alias("grid.kpis.TargetLatency")]
public sealed record TargetLatency([property: Id(0)] string Target, [property: Id(1)] long Count, [property: Id(2)] double? P50Seconds, [property: Id(3)] double? P99Seconds);

[GenerateSerializer, Immutable, Alias("grid.kpis.Latency99")]
public sealed record Latency99([property: Id(0)] long Count, [property: Id(1)] double? P50Seconds, [property: Id(2)] double? P99Seconds);

[GenerateSerializer, Immutable, Alias("grid.kpis.Latency90")]
public sealed record Latency90([property: Id(0)] long Count, [property: Id(1)] double? P50Seconds, [property: Id(2)] double? P90Seconds);

/// <summary>Units and SKU-locations differing at the latest reconciled snapshot of each location, and when the latest was.</summary>
[GenerateSerializer, Immutable, Alias("grid.kpis.DriftFigures")]
public sealed record DriftFigures([property: Id(0)] DateTimeOffset At, [property: Id(1)] long Units, [property: Id(2)] long SkuLocations);

/// <summary>Exceptions of a kind resolved, and first seen to resolved.</summary>
[GenerateSerializer, Immutable, Alias("grid.kpis.ResolutionTime")]
public sealed record ResolutionTime([property: Id(0)] string Kind, [property: Id(1)] long Resolved, [property: Id(2)] double? P50Seconds, [property: Id(3)] double? P90Seconds);

/// <summary>One twelfth of the window, for small charts.</summary>
[GenerateSerializer, Immutable, Alias("grid.kpis.KpiTrendBucket")]
public sealed record KpiTrendBucket(
    [property: Id(0)] DateTimeOffset From,
    [property: Id(1)] DateTimeOffset To,
    [property: Id(2)] double? OrderFalloutRate,
    [property: Id(3)] double? FillRate,
    [property: Id(4)] double? PromiseAccuracy,
    [property: Id(5)] long ExceptionsResolved,
    [property: Id(6)] double? ExceptionResolutionP50Seconds);
