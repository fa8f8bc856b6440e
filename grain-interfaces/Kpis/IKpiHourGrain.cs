using System.Collections.Immutable;
using Orleans.Concurrency;

namespace Grid.Kpis;

/// <summary>One hour of KPI history (key: the hour's number since the Unix epoch, UTC), in five-minute slots.</summary>
[Alias("grid.kpis.IKpiHourGrain")]
public interface IKpiHourGrain : IGrainWithIntegerKey
{
    /// <summary>Adds the samples (all of this hour) and answers once they are stored.</summary>
    [Alias("Record")]
    Task Record(ImmutableArray<KpiSample> samples);

    /// <summary>Adds the samples without waiting for an answer (from grains whose own work must not wait on the history).</summary>
    [OneWay, Alias("Tell")]
    Task Tell(ImmutableArray<KpiSample> samples);

    /// <summary>The hour's figures as the JSON they are stored in (the domain's <c>KpiHour</c>), for the KPI grain to add up.</summary>
    [ReadOnly, Alias("Get")]
    Task<string> Get();
}

/// <summary>What a <see cref="KpiSample"/> records (mirrors the domain's <c>KpiFactKind</c>).</summary>
[GenerateSerializer, Alias("grid.kpis.KpiFactKind")]
public enum KpiFactKind
{
    OrderAccepted = 0,
    OrderNeedsAttention = 1,
    LinesShipped = 2,
    OrderShipped = 3,
    Delivered = 4,
    ShipmentPropagated = 5,
    ExceptionResolved = 6,
    Reconciled = 7,
}

/// <summary>One KPI fact on the wire (see the domain's <c>KpiFact</c> for what each field means per kind).</summary>
[GenerateSerializer, Immutable, Alias("grid.kpis.KpiSample")]
public sealed record KpiSample(
    [property: Id(0)] KpiFactKind Kind,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] long Count,
    [property: Id(3)] long Hits,
    [property: Id(4)] double Seconds,
    [property: Id(5)] string? Key);
