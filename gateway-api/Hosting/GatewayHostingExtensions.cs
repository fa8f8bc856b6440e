using Grid.Gateway.Feed;
using Grid.Gateway.Problems;
using Grid.Gateway.Security;
using Grid.Hosting;
using Grid.Postgres;
using Grid.Streams;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Grid.Gateway.Hosting;

public static class GatewayHostingExtensions
{
    /// <summary>
    /// The gateway as its own process: the shared Grid defaults, an Orleans client of the cluster, the API and its
    /// security.
    /// </summary>
    public static WebApplicationBuilder AddGridGateway(this WebApplicationBuilder builder)
    {
        builder.AddGridClient();
        builder.Services.AddGridApi();
        builder.AddGridSecurity();
        return builder;
    }

    /// <summary>Security first, then the health and metrics endpoints and <c>/api/v1</c>.</summary>
    public static WebApplication MapGridGateway(this WebApplication app)
    {
        app.UseGridSecurity();
        app.MapGridDefaultEndpoints();
        app.MapGridApi();
        return app;
    }

    /// <summary>
    /// The gateway as an Orleans client of the cluster that <c>Grid:Mode</c> names: in Dev, a silo on this machine;
    /// in Postgres, the silos registered in PostgreSQL for <c>Grid:ClusterId</c>.
    /// </summary>
    public static WebApplicationBuilder AddGridClient(this WebApplicationBuilder builder)
    {
        var grid = builder.AddGridServiceDefaults("grid-gateway");
        var streams = builder.AddGridStreamOptions();
        var connectionString = builder.Configuration.GetConnectionString(GridOptions.ConnectionStringName);

        // Orleans and its resilience pipelines are chatty at Information; configuration can still lower these.
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        builder.UseOrleansClient(client =>
        {
            client.AddActivityPropagation();

            // A call whose silo died holding it never answers: wait Grid:Resilience:GrainCallTimeout, not Orleans' 30 s.
            client.Services.AddOptions<ClientMessagingOptions>()
                .Configure<IOptions<GridResilienceOptions>>((messaging, resilience) => messaging.ResponseTimeout = resilience.Value.GrainCallTimeout);
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

        if (grid.Mode == GridMode.Postgres)
        {
            builder.Services.AddGridPostgresAvailabilityFeed(connectionString!, grid.ServiceId);
        }

        return builder;
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

    /// <summary>Binds <see cref="GridStreamOptions"/>, needed while the host is built, and fails at once naming each bad key.</summary>
    public static GridStreamOptions AddGridStreamOptions(this WebApplicationBuilder builder)
        => builder.AddValidatedNow(GridStreamOptions.SectionName, new GridStreamOptionsValidator());
}
