using System.Text.Json.Serialization;

namespace Grid.Domain.Kpis;

/// <summary>A location's stock snapshot as reconciliation drift: when, how many units and SKU-locations differed.</summary>
public sealed record DriftReading(DateTimeOffset At, long Units, long SkuLocations);

/// <summary>
/// Five minutes of KPI history: counts and latency histograms, bounded by the number of outbound targets, exception
/// kinds and locations. Slots add up (<see cref="Merge"/>) into any longer period.
/// </summary>
public sealed class KpiSlot
{
    [JsonInclude] public long OrdersAccepted { get; private set; }
    [JsonInclude] public long OrdersNeedingAttention { get; private set; }
    [JsonInclude] public long Lines { get; private set; }
    [JsonInclude] public long LinesFilledOnFirstAllocation { get; private set; }
    [JsonInclude] public long LinesShipped { get; private set; }
    [JsonInclude] public long LinesShippedByPromise { get; private set; }

    /// <summary>Per outbound target: event time to the target's acknowledgement.</summary>
    [JsonInclude] public Dictionary<string, LatencyDigest> SyncLatency { get; private set; } = new(StringComparer.Ordinal);

    [JsonInclude] public LatencyDigest ShipmentPropagation { get; private set; } = new();

    /// <summary>Per exception kind: first seen to resolved.</summary>
    [JsonInclude] public Dictionary<string, LatencyDigest> ExceptionResolution { get; private set; } = new(StringComparer.Ordinal);

    [JsonInclude] public LatencyDigest OrderCycle { get; private set; } = new();

    /// <summary>Per location, its latest reconciled snapshot in the slot.</summary>
    [JsonInclude] public Dictionary<string, DriftReading> Drift { get; private set; } = new(StringComparer.Ordinal);

    [JsonIgnore] public long ExceptionsResolved => ExceptionResolution.Values.Sum(d => d.Count);

    public void Apply(KpiFact fact)
    {
        switch (fact.Kind)
        {
            case KpiFactKind.OrderAccepted:
                OrdersAccepted++;
                Lines += fact.Count;
                LinesFilledOnFirstAllocation += fact.Hits;
                break;
            case KpiFactKind.OrderNeedsAttention:
                OrdersNeedingAttention++;
                break;
            case KpiFactKind.LinesShipped:
                LinesShipped += fact.Count;
                LinesShippedByPromise += fact.Hits;
                break;
            case KpiFactKind.OrderShipped:
                OrderCycle.Add(fact.Seconds);
                break;
            case KpiFactKind.Delivered:
                Digest(SyncLatency, fact.Key ?? "").Add(fact.Seconds, fact.Count);
                break;
            case KpiFactKind.ShipmentPropagated:
                ShipmentPropagation.Add(fact.Seconds);
                break;
            case KpiFactKind.ExceptionResolved:
                Digest(ExceptionResolution, fact.Key ?? "").Add(fact.Seconds);
                break;
            case KpiFactKind.Reconciled:
                Observe(new KeyValuePair<string, DriftReading>(fact.Key ?? "", new DriftReading(fact.At, fact.Count, fact.Hits)));
                break;
        }
    }

    public void Merge(KpiSlot other)
    {
        OrdersAccepted += other.OrdersAccepted;
        OrdersNeedingAttention += other.OrdersNeedingAttention;
        Lines += other.Lines;
        LinesFilledOnFirstAllocation += other.LinesFilledOnFirstAllocation;
        LinesShipped += other.LinesShipped;
        LinesShippedByPromise += other.LinesShippedByPromise;
        foreach (var (target, digest) in other.SyncLatency)
        {
            Digest(SyncLatency, target).Merge(digest);
        }

        ShipmentPropagation.Merge(other.ShipmentPropagation);
        foreach (var (kind, digest) in other.ExceptionResolution)
        {
            Digest(ExceptionResolution, kind).Merge(digest);
        }

        OrderCycle.Merge(other.OrderCycle);
        foreach (var reading in other.Drift)
        {
            Observe(reading);
        }
    }

    /// <summary>Every exception kind's resolution times in one histogram.</summary>
    public LatencyDigest AllResolutions()
    {
        var all = new LatencyDigest();
        foreach (var digest in ExceptionResolution.Values)
        {
            all.Merge(digest);
        }

        return all;
    }

    /// <summary>
    /// The drift at the latest snapshot of each location: units and SKU-locations added up, at the time of the latest of
    /// them; null when no snapshot was reconciled.
    /// </summary>
    public DriftReading? LatestDrift()
        => Drift.Count == 0 ? null : new DriftReading(Drift.Values.Max(d => d.At), Drift.Values.Sum(d => d.Units), Drift.Values.Sum(d => d.SkuLocations));

    /// <summary><paramref name="hits"/> ÷ <paramref name="of"/>; null when there is nothing to divide by.</summary>
    public static double? Rate(long hits, long of) => of == 0 ? null : (double)hits / of;

    private void Observe(KeyValuePair<string, DriftReading> reading)
    {
        if (!Drift.TryGetValue(reading.Key, out var known) || known.At <= reading.Value.At)
        {
            Drift[reading.Key] = reading.Value;
        }
    }

    private static LatencyDigest Digest(Dictionary<string, LatencyDigest> digests, string key)
    {
        if (!digests.TryGetValue(key, out var digest))
        {
            digest = new LatencyDigest();
            digests[key] = digest;
        }

        return digest;
    }
}
