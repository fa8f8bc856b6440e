using Grid.Gateway.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grid.Gateway.Apis;

/// <summary>The silos of the cluster and how work spreads over them (<c>/api/v1/ops/cluster</c>).</summary>
public static class ClusterOperationsApi
{
    public static RouteGroupBuilder MapClusterOperationsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/ops/cluster", GetCluster)
            .WithTags("Operations")
            .RequireGridRole(GridRoles.Ops)
            .WithName("GetCluster")
            .WithSummary("Every active silo: its grain activations, CPU and memory");
        return api;
    }

    public static async Task<Ok<ClusterView>> GetCluster(IGrainFactory grains)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetHosts(onlyActive: true);
        var silos = hosts.Keys.OrderBy(s => s.ToString(), StringComparer.Ordinal).ToArray();
        if (silos.Length > 0)
        {
            // Each silo refreshes its statistics now rather than at its next periodic collection.
            await management.ForceRuntimeStatisticsCollection(silos);
        }

        var statistics = silos.Length == 0 ? [] : await management.GetRuntimeStatistics(silos);
        var views = silos.Select((silo, i) => new SiloView(
            silo.ToString(),
            hosts[silo].ToString().ToLowerInvariant(),
            statistics[i].ActivationCount,
            statistics[i].RecentlyUsedActivationCount,
            Math.Round(statistics[i].EnvironmentStatistics.FilteredCpuUsagePercentage, 1),
            statistics[i].EnvironmentStatistics.FilteredMemoryUsageBytes,
            statistics[i].DateTime)).ToList();
        return TypedResults.Ok(new ClusterView(views.Count, views.Sum(v => v.Activations), views));
    }
}

/// <summary>The active silos; <see cref="Activations"/> is the sum over them.</summary>
public sealed record ClusterView(int Silos, long Activations, IReadOnlyList<SiloView> Members);

/// <summary>
/// One silo as its runtime statistics say, collected when asked: grain activations (and those used recently), CPU in
/// percent and memory in bytes, as of <see cref="MeasuredAt"/>.
/// </summary>
public sealed record SiloView(
    string Address,
    string Status,
    long Activations,
    long RecentlyUsedActivations,
    double CpuUsagePercent,
    long MemoryUsageBytes,
    DateTime MeasuredAt);
