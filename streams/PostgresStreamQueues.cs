using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;

namespace Grid.Streams;

/// <summary>
/// The PostgreSQL queues of one stream provider, shared by its adapter (which queues), its receivers (which read,
/// acknowledge and dead-letter) and operators (depth, dead letters, replay).
/// </summary>
public sealed class PostgresStreamQueues : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly Lazy<EnqueueBatcher> _batcher;

    public PostgresStreamQueues(string providerName, PostgresStreamOptions options, string serviceId)
    {
        Options = options;
        _dataSource = NpgsqlDataSource.Create(options.ConnectionString);
        Store = new StreamMessageStore(_dataSource, serviceId, providerName);
        _batcher = new Lazy<EnqueueBatcher>(() => new EnqueueBatcher(Store, options.EnqueueConcurrency, options.MaxEnqueueBatch));
    }

    public PostgresStreamOptions Options { get; }

    internal StreamMessageStore Store { get; }

    internal EnqueueBatcher Batcher => _batcher.Value;

    /// <summary>Depth and oldest message per queue, the dead-letter count and the latest dead letters.</summary>
    public Task<StreamQueueStatistics> GetStatisticsAsync(int recentDeadLetters = 20, CancellationToken cancellationToken = default)
        => Store.GetStatisticsAsync(recentDeadLetters, cancellationToken);

    /// <summary>Puts dead letters back on their queues (all of them when <paramref name="messageIds"/> is null); returns how many.</summary>
    public Task<int> ReplayDeadLettersAsync(IReadOnlyCollection<long>? messageIds = null, CancellationToken cancellationToken = default)
        => Store.ReplayDeadLettersAsync(messageIds, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_batcher.IsValueCreated)
        {
            await _batcher.Value.DisposeAsync();
        }

        await _dataSource.DisposeAsync();
    }

    internal static PostgresStreamQueues Create(IServiceProvider services, string name)
        => new(
            name,
            services.GetRequiredService<IOptionsMonitor<PostgresStreamOptions>>().Get(name),
            services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId);
}
