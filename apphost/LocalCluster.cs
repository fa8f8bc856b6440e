using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Grid.AppHost;

/// <summary>
/// The resources of a local Grid cluster in production mode: PostgreSQL as an executable, the schema migration, the
/// silos and the gateway, each started once what it needs is ready.
/// </summary>
public static class LocalCluster
{
    /// <summary>The database Grid keeps its state in; <c>migrate</c> creates it when missing.</summary>
    public const string Database = "grid";

    private const string PostgresHealthCheck = "postgres-accepts-connections";

    /// <summary>
    /// PostgreSQL, run by <c>apphost/postgres-server.sh</c> (which creates the cluster on first use) on 127.0.0.1. Healthy
    /// once it accepts a connection. Stopping the AppHost stops it with a fast shutdown.
    /// </summary>
    public static IResourceBuilder<ExecutableResource> AddGridPostgres(this IDistributedApplicationBuilder builder, LocalClusterOptions options)
    {
        // Each silo keeps up to 68 connections and the gateway 20 (docs/operations.md); the rest is for psql and migrate.
        var maxConnections = (70 * options.Silos) + 50;
        var postgres = builder.AddExecutable(
                "postgres",
                "bash",
                builder.AppHostDirectory,
                Path.Combine(builder.AppHostDirectory, "postgres-server.sh"),
                options.PostgresFolder,
                maxConnections.ToString(CultureInfo.InvariantCulture))
            .WithEndpoint(
                port: options.PostgresPort == 0 ? null : options.PostgresPort,
                scheme: "tcp",
                name: "tcp",
                env: "PGPORT",
                isProxied: false)
            .WithHealthCheck(PostgresHealthCheck);

        var endpoint = postgres.GetEndpoint("tcp");
        builder.Services.AddHealthChecks().AddAsyncCheck(PostgresHealthCheck, async cancellationToken =>
        {
            if (!endpoint.IsAllocated)
            {
                return HealthCheckResult.Unhealthy("PostgreSQL's port is not allocated yet.");
            }

            try
            {
                await using var connection = new NpgsqlConnection(LocalClusterOptions.ConnectionString(endpoint.Port, "postgres") + ";Pooling=false;Timeout=2");
                await connection.OpenAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy($"PostgreSQL does not accept connections yet: {ex.Message}");
            }
        });

        return postgres;
    }

    /// <summary>Grid's connection string, for <c>ConnectionStrings__Grid</c>: resolved once PostgreSQL's port is known.</summary>
    public static ReferenceExpression ConnectionString(this IResourceBuilder<ExecutableResource> postgres)
        => ReferenceExpression.Create(
            $"Host=127.0.0.1;Port={postgres.GetEndpoint("tcp").Property(EndpointProperty.Port)};Username=grid;Database={Database}");

    /// <summary><c>Grid.Silo migrate</c>: applies the schema (creating the database when missing), then ends.</summary>
    public static IResourceBuilder<ProjectResource> AddGridMigration(
        this IDistributedApplicationBuilder builder, IResourceBuilder<ExecutableResource> postgres)
        => builder.AddProject<Projects.Grid_Silo>("migrate", launchProfileName: null)
            .WithArgs("migrate")
            .WithEnvironment("ConnectionStrings__Grid", postgres.ConnectionString())
            .WaitFor(postgres);

    /// <summary>
    /// A silo in production mode, on Orleans ports the orchestrator allocates, serving health, metrics and the Orleans
    /// dashboard on its own HTTP port. Started once the schema is in place.
    /// </summary>
    /// <remarks>
    /// Every endpoint is direct, not behind the orchestrator's proxy: a proxy accepts a connection before the process
    /// listens, so each readiness probe of a starting process waited out its 10 s timeout instead of failing at once.
    /// </remarks>
    public static IResourceBuilder<ProjectResource> AddGridSilo(
        this IDistributedApplicationBuilder builder,
        string name,
        IResourceBuilder<ExecutableResource> postgres,
        IResourceBuilder<ProjectResource> migration,
        LocalClusterOptions options)
        => builder.AddProject<Projects.Grid_Silo>(name, launchProfileName: null)
            .WithHttpEndpoint(isProxied: false)
            .WithEndpoint(scheme: "tcp", name: "orleans-silo", env: "Grid__SiloPort", isProxied: false)
            .WithEndpoint(scheme: "tcp", name: "orleans-gateway", env: "Grid__GatewayPort", isProxied: false)
            .WithGridProduction(postgres, options)
            .WithHttpHealthCheck("/health/ready")
            .WaitForCompletion(migration);

    /// <summary>The gateway: an Orleans client that finds the silos through PostgreSQL and serves <c>/api/v1</c>.</summary>
    public static IResourceBuilder<ProjectResource> AddGridGateway(
        this IDistributedApplicationBuilder builder,
        IResourceBuilder<ExecutableResource> postgres,
        IEnumerable<IResourceBuilder<ProjectResource>> silos,
        LocalClusterOptions options)
    {
        var gateway = builder.AddProject<Projects.Grid_Gateway>("gateway", launchProfileName: null)
            .WithHttpEndpoint(port: options.HttpPort == 0 ? null : options.HttpPort, isProxied: false)
            .WithGridProduction(postgres, options)
            .WithHttpHealthCheck("/health/ready");
        foreach (var silo in silos)
        {
            gateway.WaitFor(silo);
        }

        return gateway;
    }

    /// <summary>Production mode on this cluster's database, accepting the local key (every role, not rate limited).</summary>
    private static IResourceBuilder<ProjectResource> WithGridProduction(
        this IResourceBuilder<ProjectResource> process, IResourceBuilder<ExecutableResource> postgres, LocalClusterOptions options)
        => process
            .WithEnvironment("Grid__Mode", "Postgres")
            .WithEnvironment("ConnectionStrings__Grid", postgres.ConnectionString())
            .WithEnvironment($"Grid__Auth__Keys__{LocalClusterOptions.ApiClient}__Role", "sales,wms,supplier,erp,crm,ops,carrier")
            .WithEnvironment($"Grid__Auth__Keys__{LocalClusterOptions.ApiClient}__Key", options.ApiKey)
            .WithEnvironment($"Grid__Auth__Keys__{LocalClusterOptions.ApiClient}__PermitsPerWindow", "0");
}
