using Microsoft.Extensions.Logging;
using Npgsql;

namespace Grid.Streams;

/// <summary>
/// Tells the receivers of one stream provider when messages were queued, so that a queue is read as soon as it has
/// something and not at all while it has nothing. Every enqueue statement sends a PostgreSQL notification on
/// <see cref="Channel"/> (payload <c>service/provider/queue</c>) when it commits; this process listens on a connection of
/// its own and flags the queues named. A receiver still reads now and then without a flag (see
/// <see cref="PostgresStreamOptions.IdlePollInterval"/>), which covers what a notification cannot: a listener that was
/// reconnecting, rows that became readable later than their notification.
/// </summary>
internal sealed partial class QueueSignals : IAsyncDisposable
{
    public const string Channel = "grid_stream_queues";

    /// <summary>The most queues a provider may have (<c>Grid:Streams:QueueCount</c> is at most 1,024).</summary>
    private const int MaxQueues = 1024;

    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);

    private readonly string _connectionString;
    private readonly string _prefix;
    private readonly ILogger _logger;
    private readonly int[] _signalled = new int[MaxQueues];
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private Task? _loop;
    private volatile bool _listening;

    public QueueSignals(string connectionString, string serviceId, string provider, ILogger logger)
    {
        // A connection of its own, outside the pools: a LISTEN must not travel back into a pool with it.
        _connectionString = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false,
            KeepAlive = 15,
            ApplicationName = $"grid-streams-{provider}-listen",
        }.ConnectionString;
        _prefix = Payload(serviceId, provider, "");
        _logger = logger;
    }

    /// <summary>Whether notifications are arriving; while not, receivers fall back to reading on a short period.</summary>
    public bool Listening => _listening;

    /// <summary>The notification text for a queue.</summary>
    public static string Payload(string serviceId, string provider, string queue) => $"{serviceId}/{provider}/{queue}";

    /// <summary>Starts listening (once; later calls do nothing).</summary>
    public void EnsureStarted()
    {
        lock (_gate)
        {
            _loop ??= Task.Run(ListenAsync);
        }
    }

    /// <summary>True, once, when messages were queued on <paramref name="queue"/> since the last call.</summary>
    public bool Take(int queue) => (uint)queue >= MaxQueues || Interlocked.Exchange(ref _signalled[queue], 0) == 1;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is { } loop)
        {
            await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stop.Dispose();
    }

    private async Task ListenAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(_connectionString);
                await connection.OpenAsync(_stop.Token);
                connection.Notification += OnNotification;
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(_stop.Token);
                }

                _listening = true;
                SignalAll(); // whatever was queued before the LISTEN took effect
                while (true)
                {
                    await connection.WaitAsync(_stop.Token);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException or IOException)
            {
                if (_listening)
                {
                    LogListenerLost(ex);
                }

                _listening = false;
                SignalAll();
                try
                {
                    await Task.Delay(ReconnectDelay, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            finally
            {
                _listening = false;
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        var payload = e.Payload;
        if (payload.StartsWith(_prefix, StringComparison.Ordinal)
            && int.TryParse(payload.AsSpan(_prefix.Length), System.Globalization.CultureInfo.InvariantCulture, out var queue)
            && (uint)queue < MaxQueues)
        {
            Volatile.Write(ref _signalled[queue], 1);
        }
    }

    private void SignalAll()
    {
        for (var i = 0; i < _signalled.Length; i++)
        {
            Volatile.Write(ref _signalled[i], 1);
        }
    }

    [LoggerMessage(EventId = 3114, EventName = "StreamListenerLost", Level = LogLevel.Warning,
        Message = "The connection that listens for queued events was lost; queues are read on a short period until it is back")]
    private partial void LogListenerLost(Exception exception);
}
