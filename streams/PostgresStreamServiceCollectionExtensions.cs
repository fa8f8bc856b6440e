using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;

namespace Grid.Streams;

public static class PostgresStreamServiceCollectionExtensions
{
    /// <summary>
    /// Registers the PostgreSQL queues of the stream provider <paramref name="name"/> (on silos and clients alike); the
    /// provider itself is added with <c>AddPersistentStreams(name, PostgresQueueAdapterFactory.Create, …)</c>.
    /// </summary>
    public static IServiceCollection AddPostgresStreamQueues(this IServiceCollection services, string name, Action<PostgresStreamOptions> configure)
    {
        services.AddOptions<PostgresStreamOptions>(name).Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgresStreamOptions>, PostgresStreamOptionsValidator>());
        services.AddKeyedSingleton(name, (sp, key) => PostgresStreamQueues.Create(sp, (string)key!));
        services.AddKeyedSingleton<IStreamDeadLetters>(name, (sp, key) => new PostgresStreamDeadLetters(
            sp.GetRequiredKeyedService<PostgresStreamQueues>(key),
            PartitionedStreamQueueMapper.Create(sp.GetRequiredService<IOptionsMonitor<HashRingStreamQueueMapperOptions>>().Get((string)key!), (string)key!),
            sp.GetRequiredService<Serializer<StreamMessage>>()));
        services.AddKeyedSingleton<IStreamAcknowledgements>(name, (sp, key) => new PostgresStreamAcknowledgements(
            sp.GetRequiredKeyedService<PostgresStreamQueues>(key),
            PartitionedStreamQueueMapper.Create(sp.GetRequiredService<IOptionsMonitor<HashRingStreamQueueMapperOptions>>().Get((string)key!), (string)key!)));
        services.AddKeyedSingleton<IStreamQueueLag>(name, (sp, key) => new PostgresStreamQueueLag(
            sp.GetRequiredKeyedService<PostgresStreamQueues>(key),
            PartitionedStreamQueueMapper.Create(sp.GetRequiredService<IOptionsMonitor<HashRingStreamQueueMapperOptions>>().Get((string)key!), (string)key!),
            sp.GetService<TimeProvider>() ?? TimeProvider.System));
        return services;
    }
}
