using Grid.Hosting;
using Grid.Streams;
using Orleans.Configuration;
using Orleans.Streams;

namespace Grid.Silo.Hosting;

/// <summary>The event streams on a silo: in memory in dev mode, durable queues in PostgreSQL in Postgres mode.</summary>
public static class StreamHostingExtensions
{
    public static ISiloBuilder AddGridMemoryStreams(this ISiloBuilder silo, GridStreamOptions streams)
    {
        silo.AddMemoryStreams(GridStreams.ProviderName, provider =>
        {
            provider.ConfigurePartitioning(streams.QueueCount);
            provider.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
            provider.ConfigurePullingAgent(agent => agent.Configure(o => ConfigureAgent(o, streams)));
            provider.ConfigureBackoffProvider((_, _) => new StreamDeliveryBackoff());
        });
        return silo;
    }

    public static ISiloBuilder AddGridPostgresStreams(this ISiloBuilder silo, GridStreamOptions streams, string connectionString)
    {
        silo.Services.AddSingleton<IStreamDeadLetterObserver, ExceptionQueueStreamObserver>();
        silo.Services.AddPostgresStreamQueues(GridStreams.ProviderName, o =>
        {
            o.ConnectionString = connectionString;
            o.MaxDeliveryAttempts = streams.MaxDeliveryAttempts;
            o.MaxDeliveryTime = streams.MaxDeliveryTime;

            // The partition consumer fans a delivery out to its SKU-locations and is built for backlogs.
            o.BatchedNamespaces.Add(GridStreams.Inventory);
        });
        silo.AddPersistentStreams(GridStreams.ProviderName, PostgresQueueAdapterFactory.Create, provider =>
        {
            provider.Configure<HashRingStreamQueueMapperOptions>(o => o.Configure(m => m.TotalQueueCount = streams.QueueCount));
            provider.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
            provider.ConfigurePullingAgent(agent => agent.Configure(o => ConfigureAgent(o, streams)));
        });
        return silo;
    }

    private static void ConfigureAgent(StreamPullingAgentOptions agent, GridStreamOptions streams)
    {
        agent.GetQueueMsgsTimerPeriod = streams.PollInterval;
        agent.MaxEventDeliveryTime = streams.MaxDeliveryTime;
    }
}
