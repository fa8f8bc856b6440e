using Grid.Domain.Kpis;

namespace Grid.Kpis;

/// <summary>How grains add facts to the KPI history: grouped by the hour they happened in, each hour's grain told once.</summary>
public static class KpiHistory
{
    /// <summary>Adds the facts and waits until every hour concerned has stored them.</summary>
    public static Task RecordKpisAsync(this IGrainFactory grains, IReadOnlyCollection<KpiFact> facts)
        => facts.Count == 0
            ? Task.CompletedTask
            : Task.WhenAll(facts.GroupBy(f => KpiHour.HourOf(f.At)).Select(g => grains.GetGrain<IKpiHourGrain>(g.Key).Record([.. g.Select(f => f.ToSample())])));

    /// <summary>Hands the facts to their hours without waiting (one-way calls): for grains whose own work must not wait on the history.</summary>
    public static void TellKpis(this IGrainFactory grains, IReadOnlyCollection<KpiFact> facts)
    {
        foreach (var hour in facts.GroupBy(f => KpiHour.HourOf(f.At)))
        {
            grains.GetGrain<IKpiHourGrain>(hour.Key).Tell([.. hour.Select(f => f.ToSample())]).Ignore();
        }
    }

    public static void TellKpis(this IGrainFactory grains, KpiFact fact) => grains.TellKpis([fact]);
}
