using Grid.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Grid.Gateway.Hosting;

/// <summary>
/// <c>/health/live</c> answers while the process serves HTTP; <c>/health/ready</c> only when the cluster has an
/// active silo (and, in Postgres mode, the database answers with the expected schema).
/// </summary>
public static class HealthExtensions
{
    private const string ReadyTag = "ready";

    public static IServiceCollection AddGridHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<ClusterHealthCheck>("cluster", tags: [ReadyTag])
            .AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag]);
        return services;
    }

    public static WebApplication MapGridHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).WithTags("Health").AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) }).WithTags("Health").AllowAnonymous();
        return app;
    }

    private sealed class ClusterHealthCheck(IGrainFactory grains) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
                return hosts.Count > 0
                    ? HealthCheckResult.Healthy($"{hosts.Count} active silo(s)")
                    : HealthCheckResult.Unhealthy("No active silo in the cluster.");
            }
            catch (Exception ex) when (ex is TimeoutException or OrleansException or InvalidOperationException)
            {
                return HealthCheckResult.Unhealthy("The cluster does not answer.", ex);
            }
        }
    }

    private sealed class DatabaseHealthCheck(IOptions<GridOptions> grid, IConfiguration configuration) : IHealthCheck
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
        }
    }
}
