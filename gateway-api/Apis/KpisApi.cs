using Grid.Gateway.Problems;
using Grid.Gateway.Security;
using Grid.Kpis;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grid.Gateway.Apis;

/// <summary>The distribution KPIs over a window, from the recorded history (<c>/api/v1/ops/kpis</c>); see docs/kpis.md.</summary>
public static class KpisApi
{
    public const string DefaultWindow = "24h";

    public static RouteGroupBuilder MapKpisApi(this RouteGroupBuilder api)
    {
        api.MapGet("/ops/kpis", GetKpis)
            .WithTags("Operations")
            .RequireGridRole(GridRoles.Ops)
            .WithName("GetKpis")
            .WithSummary("Order fallout, fill rate, promise accuracy, sync latency per target, shipment propagation, reconciliation drift, "
                + "exception resolution time and order cycle time over ?window=1h|24h|7d (default 24h), with a 12-point trend");
        return api;
    }

    public static async Task<Results<Ok<KpiReport>, ValidationProblem>> GetKpis(string? window, IGrainFactory grains)
        => await grains.GetGrain<IKpiGrain>(0).Report(window ?? DefaultWindow) is { } report
            ? TypedResults.Ok(report)
            : GridProblems.Invalid("window", "'window' must be 1h, 24h or 7d.");
}
