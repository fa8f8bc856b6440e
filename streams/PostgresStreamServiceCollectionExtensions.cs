using Microsoft.Extensions.DependencyInjection;

namespace Grid.Streams;

public static class PostgresStreamServiceCollectionExtensions
{
    /// <summary>
    /// Registers the PostgreSQL queues of the stream provider <paramref name="name"/> (on silos and clients alike); the
    /// provider itself is added with <c>AddPersistentStreams(name, PostgresQueueAdapterFactory.Create, …)</c>.
    /// </summary>
    public static IServiceCollection AddPostgresStreamQueues(this IServiceCollection services, string name, Action<PostgresStreamOptions> configure)
    {
        services.AddOptions<PostgresStreamOptions>(name)
            .Configure(configure)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddKeyedSingleton(name, (sp, key) => PostgresStreamQueues.Create(sp, (string)key!));
        return services;
    }
}
