using Orleans.Concurrency;

namespace Grid.Kpis;

/// <summary>The KPIs over a window, computed from the hours it covers (key 0, a stateless worker on every silo).</summary>
[Alias("grid.kpis.IKpiGrain")]
public interface IKpiGrain : IGrainWithIntegerKey
{
    /// <summary>The KPIs for <paramref name="window"/> (<c>1h</c>, <c>24h</c> or <c>7d</c>) ending now; null for another window.</summary>
    [ReadOnly, Alias("Report")]
    Task<KpiReport?> Report(string window);
}
