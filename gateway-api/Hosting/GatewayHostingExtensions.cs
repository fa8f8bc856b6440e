using Grid.Hosting;
using Grid.Postgres;
using Grid.Streams;
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
        var streams = builder.AddGridStreamOptions();
        var connectionString = builder.Configuration.GetConnectionString(GridOptions.ConnectionStringName);

        // Orleans and its resilience pipelines are chatty at Information; configuration can still lower these.
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        builder.AddGridTelemetry("grid-gateway");
        builder.UseOrleansClient(client =>
        {
            client.AddActivityPropagation();
            if (grid.Mode == GridMode.Dev)
            {
                client.UseLocalhostClustering(grid.GatewayPort);
                client.AddGridMemoryStreams(streams);
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
                o.ConnectionString = GridDataSource.WithDefaults(connectionString!, 4, "grid-gateway");
            });
            client.AddGridPostgresStreams(streams, connectionString!);
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
            throw new GridStartupException(string.Join(Environment.NewLine, problems));
        }

        builder.Services.AddSingleton(Options.Create(grid));
        return grid;
    }

    /// <summary>The event streams a gateway queues warehouse and supplier events on: in memory in dev mode.</summary>
    public static IClientBuilder AddGridMemoryStreams(this IClientBuilder client, GridStreamOptions streams)
        => client.AddMemoryStreams(GridStreams.ProviderName, provider => provider.ConfigurePartitioning(streams.QueueCount));

    /// <summary>The event streams a gateway queues warehouse and supplier events on: Grid's PostgreSQL queues.</summary>
    public static IClientBuilder AddGridPostgresStreams(this IClientBuilder client, GridStreamOptions streams, string connectionString)
    {
        client.Services.AddPostgresStreamQueues(GridStreams.ProviderName, o => o.ConnectionString = connectionString);
        return client.AddPersistentStreams(GridStreams.ProviderName, PostgresQueueAdapterFactory.Create, provider =>
            provider.Configure<HashRingStreamQueueMapperOptions>(o => o.Configure(m => m.TotalQueueCount = streams.QueueCount)));
    }

    /// <summary>Binds <see cref="GridStreamOptions"/> and fails at once, naming each bad key, when they are not usable.</summary>
    public static GridStreamOptions AddGridStreamOptions(this WebApplicationBuilder builder)
    {
        var streams = builder.Configuration.GetSection(GridStreamOptions.SectionName).Get<GridStreamOptions>() ?? new GridStreamOptions();
        var problems = streams.Problems();
        if (problems.Count > 0)
        {
            throw new GridStartupException(string.Join(Environment.NewLine, problems));
        }

        builder.Services.AddSingleton(Options.Create(streams));
        return streams;
    }

    /// <summary>In Postgres mode, stops the start with a clear message unless the database holds the schema this build needs.</summary>
    public static async Task CheckGridStartAsync(this WebApplication app)
    {
        app.Services.GetService<IStartupValidator>()?.Validate();
        var grid = app.Services.GetRequiredService<IOptions<GridOptions>>().Value;
        if (grid.Mode == GridMode.Postgres)
        {
            await PostgresSchemaCheck.EnsureCurrentAsync(app.Configuration.GetConnectionString(GridOptions.ConnectionStringName)!, app.Lifetime.ApplicationStopping);
        }
    }
}
