using Grid.Gateway.Hosting;
using Grid.Hosting;
using Grid.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace Grid.Tests.Postgres;

/// <summary>
/// Silos of a <see cref="TestCluster"/> on PostgreSQL: clustering, grain state and reminders, as in production. The one
/// cluster not built with <see cref="TestClusters"/>, which cannot put silos in PostgreSQL's membership table.
/// </summary>
public sealed class PostgresSiloConfigurator : ISiloConfigurator
{
    public const string ConnectionStringKey = "GridTestConnectionString";
    public const string MaxDeliveryTimeKey = "GridTestMaxDeliveryTime";

    public void Configure(ISiloBuilder siloBuilder)
    {
        var connectionString = siloBuilder.Configuration[ConnectionStringKey]!;
        siloBuilder.UseAdoNetClustering(o =>
        {
            o.Invariant = "Npgsql";
            o.ConnectionString = connectionString;
        });
        var streams = new GridStreamOptions();
        if (siloBuilder.Configuration[MaxDeliveryTimeKey] is { } maxDeliveryTime)
        {
            streams.MaxDeliveryTime = TimeSpan.Parse(maxDeliveryTime, System.Globalization.CultureInfo.InvariantCulture);
        }

        siloBuilder.UseGridPostgresProviders(connectionString, streams);
        siloBuilder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(streams));

        // Retry failed deliveries every 200 ms (Orleans: 1 s, doubling), so that a consumer meets its own give-up time
        // inside the short maximum delivery time these tests use.
        siloBuilder.Services.AddKeyedSingleton<Orleans.Runtime.Providers.IMessageDeliveryBackoffProvider>(GridStreams.ProviderName, new QuickDeliveryRetries());
        siloBuilder.Services.PostConfigure<Grid.Streams.PostgresStreamOptions>(
            GridStreams.ProviderName, o => o.BatchedNamespaces.Add(PoisonBatchTestConsumerGrain.Namespace));
        siloBuilder.Services.AddGridGrains(new ConfigurationBuilder().Build());

        // Notice a dead silo in seconds rather than the production default, so that the test stays short.
        siloBuilder.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(1);
            o.NumMissedProbesLimit = 2;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
        });
    }
}

public sealed class PostgresClientConfigurator : IClientBuilderConfigurator
{
    public void Configure(IConfiguration configuration, IClientBuilder clientBuilder)
    {
        clientBuilder.UseAdoNetClustering(o =>
        {
            o.Invariant = "Npgsql";
            o.ConnectionString = configuration[PostgresSiloConfigurator.ConnectionStringKey];
        });
        clientBuilder.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
        clientBuilder.AddGridPostgresStreams(new GridStreamOptions(), configuration[PostgresSiloConfigurator.ConnectionStringKey]!);
    }
}

internal static class PostgresCluster
{
    /// <summary>A cluster of <paramref name="silos"/> silos on <paramref name="database"/>; the same service id each time, so a new cluster sees what an old one stored.</summary>
    public static async Task<TestCluster> StartAsync(PostgresDatabase database, short silos, TimeSpan? maxDeliveryTime = null)
    {
        var builder = new TestClusterBuilder(silos);
        if (maxDeliveryTime is { } max)
        {
            builder.Properties[PostgresSiloConfigurator.MaxDeliveryTimeKey] = max.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        }

        builder.Options.UseTestClusterMembership = false;
        builder.Options.ServiceId = "grid-tests";
        builder.Properties[PostgresSiloConfigurator.ConnectionStringKey] = database.ConnectionString;
        builder.AddSiloBuilderConfigurator<PostgresSiloConfigurator>();
        builder.AddClientBuilderConfigurator<PostgresClientConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>Retries a call that may meet a silo that has just died, until the cluster has moved on (bounded).</summary>
    public static async Task<T> SettledAsync<T>(Func<Task<T>> call, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception ex) when (DateTime.UtcNow < deadline && ex is TimeoutException or OperationCanceledException or SiloUnavailableException or OrleansMessageRejectionException or Orleans.Runtime.OrleansException)
            {
                await Task.Delay(200);
            }
        }
    }
}

internal sealed class QuickDeliveryRetries : Orleans.Runtime.Providers.IMessageDeliveryBackoffProvider
{
    public TimeSpan Next(int attempt) => TimeSpan.FromMilliseconds(200);
}
