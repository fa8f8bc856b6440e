using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Grid.Hosting;

/// <summary>
/// <c>/health/live</c> answers 200 while the process serves HTTP (restart it when it does not); <c>/health/ready</c>
/// answers 200 only when this process can do its work (send it traffic), else 503: the cluster has an active silo, a
/// silo is itself an active member of the cluster, and, in Postgres mode, the database answers with the schema this
/// build needs. Both answer JSON: the overall status and each check's status, description and duration.
/// </summary>
public static class HealthExtensions
{
    /// <summary>The tag of the checks <c>/health/ready</c> runs.</summary>
    public const string ReadyTag = "ready";

    /// <summary>How long one check may take before it counts as failed.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    public static IServiceCollection AddGridHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<ClusterHealthCheck>("cluster", tags: [ReadyTag], timeout: CheckTimeout)
            .AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag], timeout: CheckTimeout);
        return services;
    }

    public static WebApplication MapGridHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteJsonAsync })
            .WithTags("Health").AllowAnonymous().DisableRateLimiting();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag), ResponseWriter = WriteJsonAsync })
            .WithTags("Health").AllowAnonymous().DisableRateLimiting();
        return app;
    }

    private static Task WriteJsonAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString(),
            durationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
            }),
        }, cancellationToken: context.RequestAborted);
    }

    internal sealed class ClusterHealthCheck(IGrainFactory grains) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true, CancellationToken.None).WaitAsync(cancellationToken);
                return hosts.Count > 0
                    ? HealthCheckResult.Healthy($"{hosts.Count} active silo(s)")
                    : HealthCheckResult.Unhealthy("No active silo in the cluster.");
            }
            catch (Exception ex) when (ex is TimeoutException or OrleansException or InvalidOperationException or OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy("The cluster does not answer.", ex);
            }
        }
    }

    internal sealed class DatabaseHealthCheck(IOptions<GridOptions> grid, IConfiguration configuration) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            if (grid.Value.Mode != GridMode.Postgres)
            {
                return HealthCheckResult.Healthy("Dev mode: no database.");
            }

            try
            {
                var version = await PostgresSchemaCheck.ReadVersionAsync(configuration.GetConnectionString(GridOptions.ConnectionStringName)!, cancellationToken);
                return version == GridSchema.Version
                    ? HealthCheckResult.Healthy($"schema version {version}")
                    : HealthCheckResult.Unhealthy($"schema version {version}, this build needs {GridSchema.Version}");
            }
            catch (GridStartupException ex)
            {
                return HealthCheckResult.Unhealthy(ex.Message);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy($"PostgreSQL did not answer within {CheckTimeout.TotalSeconds:0} s.");
            }
        }
    }
}
