using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Grid.Postgres;
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
    private readonly Lazy<RoundTripBatcher<OutgoingMessage, bool>> _batcher;

    private readonly string _providerName;
    private readonly string _serviceId;
    private readonly Lock _gate = new();
    private QueueSignals? _signals;

    public PostgresStreamQueues(string providerName, PostgresStreamOptions options, string serviceId)
    {
        _providerName = providerName;
        _serviceId = serviceId;
        Options = options;
        _dataSource = GridDataSource.Create(options.ConnectionString, options.MaxConnections, $"grid-streams-{providerName}");
        Store = new StreamMessageStore(_dataSource, serviceId, providerName);
        _batcher = new(() => new(EnqueueAsync, options.EnqueueConcurrency, options.MaxEnqueueBatch));
    }

    public PostgresStreamOptions Options { get; }

    /// <summary>Who is told of dead letters, if anyone (<see cref="IStreamDeadLetterObserver"/>).</summary>
    internal IStreamDeadLetterObserver? Observer { get; private init; }

    /// <summary>Set once a silo reads these queues (<see cref="ReportDepth"/>); the gateway, which only queues, reports none.</summary>
    internal QueueDepthGauge? DepthGauge { get; private set; }

    /// <summary>Reports the depth of each of <paramref name="queueCount"/> queues on the <c>grid.streams.queue_depth</c> gauge.</summary>
    internal void ReportDepth(int queueCount, TimeProvider clock)
    {
        DepthGauge ??= new QueueDepthGauge(Store, queueCount, clock);
        StreamInstruments.Report(this);
    }

    internal StreamMessageStore Store { get; }

    /// <summary>This process's receiver of each queue it reads, by queue number.</summary>
    private readonly ConcurrentDictionary<int, PostgresQueueReceiver> _receivers = new();

    internal void Reads(int queue, PostgresQueueReceiver receiver) => _receivers[queue] = receiver;

    /// <summary>
    /// A consumer removed these messages of <paramref name="queue"/> itself: the receiver that handed them out, if it is
    /// in this process, leaves them out of the delete it makes when Orleans' cache lets go of them.
    /// </summary>
    internal void Acknowledged(int queue, IEnumerable<QueuePosition> positions)
    {
        if (_receivers.TryGetValue(queue, out var receiver))
        {
            receiver.Acknowledged(positions);
        }
    }

    /// <summary>The notifications of queued messages, listened for from the first call on (silos only: they read).</summary>
    internal QueueSignals ListenForSignals(ILoggerFactory loggers)
    {
        lock (_gate)
        {
            _signals ??= new QueueSignals(Options.ConnectionString, _serviceId, _providerName, loggers.CreateLogger<QueueSignals>());
        }

        _signals.EnsureStarted();
        return _signals;
    }

    /// <summary>
    /// Queues one message. Messages queued at the same moment (a gateway request fans out to one stream per
    /// SKU-location) go to PostgreSQL in one INSERT; the task completes once that INSERT has committed, which is when
    /// the gateway may answer 202.
    /// </summary>
    internal Task EnqueueAsync(OutgoingMessage message) => _batcher.Value.SubmitAsync(message);

    /// <summary>Depth and oldest message per queue, the dead-letter count and the latest dead letters.</summary>
    public Task<StreamQueueStatistics> GetStatisticsAsync(int recentDeadLetters = 20, CancellationToken cancellationToken = default)
        => Store.GetStatisticsAsync(recentDeadLetters, cancellationToken);

    /// <summary>Puts dead letters back on their queues (all of them when <paramref name="messageIds"/> is null); returns how many.</summary>
    public Task<int> ReplayDeadLettersAsync(IReadOnlyCollection<long>? messageIds = null, CancellationToken cancellationToken = default)
        => Store.ReplayDeadLettersAsync(messageIds, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        StreamInstruments.StopReporting(this);
        if (_signals is not null)
        {
            await _signals.DisposeAsync();
        }

        if (_batcher.IsValueCreated)
        {
            await _batcher.Value.DisposeAsync();
        }

        await _dataSource.DisposeAsync();
    }

    private async Task<IReadOnlyList<bool>> EnqueueAsync(IReadOnlyList<OutgoingMessage> messages)
    {
        await Store.EnqueueAsync(messages);
        return new bool[messages.Count];
    }

    internal static PostgresStreamQueues Create(IServiceProvider services, string name)
        => new(
            name,
            services.GetRequiredService<IOptionsMonitor<PostgresStreamOptions>>().Get(name),
            services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId)
        {
            Observer = services.GetService<IStreamDeadLetterObserver>(),
        };

    /// <summary>Tells the observer (if any) of dead letters; false when it failed (the caller logs it).</summary>
    internal async Task<bool> TellObserverAsync(int queue, int count, string reason)
    {
        if (Observer is null || count == 0)
        {
            return true;
        }

        try
        {
            await Observer.DeadLetteredAsync(_providerName, queue, count, reason);
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return false;
        }
    }
}
