using Grid.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Grid.Gateway.Hosting;

public static class GatewayHostingExtensions
{
    /// <summary>
    /// The gateway as an Orleans client of the cluster that <c>Grid:Mode</c> names: in Dev, a silo on this machine;
    /// in Postgres, the silos registered in PostgreSQL for <c>Grid:ClusterId</c>.
    /// </summary>
    public static WebApplicationBuilder AddGridClient(this WebApplicationBuilder builder)
    {
        var grid = builder.AddGridOptions();
        var connectionString = builder.Configuration.GetConnectionString(GridOptions.ConnectionStringName);

        // Orleans and its resilience pipelines are chatty at Information; configuration can still lower these.
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        if (grid.Mode == GridMode.Postgres)
        {
            // Registered before the Orleans client so that it runs first.
            builder.Services.AddHostedService(_ => new StartupSchemaCheck(connectionString!));
        }

        builder.UseOrleansClient(client =>
        {
            if (grid.Mode == GridMode.Dev)
            {
                client.UseLocalhostClustering(grid.GatewayPort);
                return;
            }

            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = grid.ClusterId;
                o.ServiceId = grid.ServiceId;
            });
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connectionString;
            });
        });

        return builder;
    }

    /// <summary>Binds <see cref="GridOptions"/> and fails at once, naming each bad key, when they are not usable.</summary>
    public static GridOptions AddGridOptions(this WebApplicationBuilder builder)
    {
        var grid = builder.Configuration.GetSection(GridOptions.SectionName).Get<GridOptions>() ?? new GridOptions();
        var problems = grid.Problems(builder.Configuration.GetConnectionString(GridOptions.ConnectionStringName));
        if (problems.Count > 0)
        {
            throw new OptionsValidationException(GridOptions.SectionName, typeof(GridOptions), problems);
        }

        builder.Services.AddSingleton(Options.Create(grid));
        return grid;
    }

    private sealed class StartupSchemaCheck(string connectionString) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => PostgresSchemaCheck.EnsureCurrentAsync(connectionString, cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
