using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers.Streams.Common;
using Orleans.Serialization;
using Orleans.Streams;

namespace Grid.Streams;

/// <summary>
/// Orleans' entry point to the PostgreSQL stream provider: the adapter that queues, the receivers that read each queue,
/// the cache between them, how streams map to queues, and what happens to a message its consumer keeps failing on.
/// </summary>
public sealed class PostgresQueueAdapterFactory : IQueueAdapterFactory
{
    private readonly string _name;
    private readonly PostgresStreamQueues _queues;
    private readonly Serializer<StreamMessage> _serializer;
    private readonly ILoggerFactory _loggers;
    private readonly PartitionedStreamQueueMapper _mapper;
    private readonly SimpleQueueAdapterCache _cache;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<QueueId, PostgresQueueReceiver> _receivers = new();
    private readonly int _queueCount;

    public PostgresQueueAdapterFactory(
        string name,
        PostgresStreamQueues queues,
        HashRingStreamQueueMapperOptions mapperOptions,
        SimpleQueueCacheOptions cacheOptions,
        Serializer<StreamMessage> serializer,
        TimeProvider clock,
        ILoggerFactory loggers)
    {
        _clock = clock;
        _name = name;
        _queues = queues;
        _serializer = serializer;
        _loggers = loggers;
        _mapper = PartitionedStreamQueueMapper.Create(mapperOptions, name);
        _queueCount = mapperOptions.TotalQueueCount;
        _cache = new SimpleQueueAdapterCache(cacheOptions, name, loggers);
    }

    /// <summary>The factory <c>AddPersistentStreams</c> takes.</summary>
    public static PostgresQueueAdapterFactory Create(IServiceProvider services, string name)
        => new(
            name,
            services.GetRequiredKeyedService<PostgresStreamQueues>(name),
            services.GetRequiredService<IOptionsMonitor<HashRingStreamQueueMapperOptions>>().Get(name),
            services.GetRequiredService<IOptionsMonitor<SimpleQueueCacheOptions>>().Get(name),
            services.GetRequiredService<Serializer<StreamMessage>>(),
            services.GetService<TimeProvider>() ?? TimeProvider.System,
            services.GetRequiredService<ILoggerFactory>());

    [Obsolete("Orleans calls the overload with a CancellationToken.")]
    public Task<IQueueAdapter> CreateAdapter() => CreateAdapter(CancellationToken.None);

    public Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken)
        => Task.FromResult<IQueueAdapter>(new PostgresQueueAdapter(_name, _queues, _mapper, _serializer, _clock, _loggers, OnReceiverCreated));

    /// <summary>Only silos read queues: the first receiver makes this process report the queues' depth.</summary>
    private void OnReceiverCreated(QueueId queue, PostgresQueueReceiver receiver)
    {
        _receivers[queue] = receiver;
        _queues.Reads(PostgresQueueAdapter.QueueNumber(queue), receiver);
        _queues.ReportDepth(_queueCount, _clock);
    }

    public IQueueAdapterCache GetQueueAdapterCache() => _cache;

    public IStreamQueueMapper GetStreamQueueMapper() => _mapper;

    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId)
        => Task.FromResult<IStreamFailureHandler>(new DeadLetterOnDeliveryFailure(
            () => _receivers.GetValueOrDefault(queueId), _loggers.CreateLogger<DeadLetterOnDeliveryFailure>()));
}
