using System.Runtime.CompilerServices;
using Grid.Inventory;
using Grid.Postgres;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Grid.Gateway.Feed;

/// <summary>
/// The feed in Postgres mode: <c>grid_availability_feed</c>, one row per SKU-location whose position the inventory
/// storage moves in the same statement as the state write (schema 11). Read up to a safe horizon
/// (<see cref="PostgresFeedHorizon"/>) joined with the state it was written with. While anyone reads, the process
/// follows the tail every <see cref="TailInterval"/> into a <see cref="FeedWindow"/>: readers at the tail (long-polls,
/// streams) are answered from memory, and only readers further behind read PostgreSQL.
/// </summary>
public sealed partial class PostgresAvailabilityFeed : IAvailabilityFeed, IAsyncDisposable
{
    /// <summary>
    /// How often the tail is read while the feed is in use, when this process's storage has not said it wrote: the
    /// bound on the wait of a change another process wrote.
    /// </summary>
    public static readonly TimeSpan TailInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>The least time between two reads of the tail.</summary>
    public static readonly TimeSpan TailSpacing = TimeSpan.FromMilliseconds(10);

    /// <summary>SKU-locations the tail window holds; a reader further behind reads PostgreSQL.</summary>
    public const int WindowCapacity = 20_000;

    private const int TailPage = 2_000;

    private const string EpochSql = "SELECT epoch FROM grid_availability_feed_epoch";

    private const string ReadSql = """
        SELECT f.position, f.grain_key, i.header
        FROM grid_availability_feed AS f
        LEFT JOIN grid_inventory AS i ON i.service_id = f.service_id AND i.grain_key = f.grain_key
        WHERE f.service_id = @service AND f.position > @after AND f.position <= @horizon
          AND (cardinality(@locations) = 0 OR split_part(f.grain_key, '@', 2) = ANY(@locations))
        ORDER BY f.position
        LIMIT @limit
        """;

    private const string ExportSql = """
        SELECT grain_key, header FROM grid_inventory
        WHERE service_id = @service AND (cardinality(@locations) = 0 OR split_part(grain_key, '@', 2) = ANY(@locations))
        ORDER BY grain_key
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _serviceId;
    private readonly TimeProvider _clock;
    private readonly ILogger<PostgresAvailabilityFeed> _logger;
    private readonly PostgresFeedHorizon _horizon;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _starting = new(1, 1);
    private FeedWindow? _window;
    private Task? _tail;
    private string? _epoch;

    private readonly FeedTailSignal _signal;

    public PostgresAvailabilityFeed(string connectionString, string serviceId, FeedTailSignal signal, TimeProvider clock, ILogger<PostgresAvailabilityFeed> logger)
    {
        _signal = signal;
        _dataSource = GridDataSource.Create(connectionString, 8, "grid-feed");
        _serviceId = serviceId;
        _clock = clock;
        _logger = logger;
        _horizon = new PostgresFeedHorizon(_dataSource, clock);
    }

    public async Task<FeedBounds> BoundsAsync(CancellationToken cancellationToken)
    {
        if (_epoch is null)
        {
            await using var command = _dataSource.CreateCommand(EpochSql);
            _epoch = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        return new FeedBounds(_epoch, await _horizon.DrawnAsync(cancellationToken));
    }

    public async Task<FeedPage> ReadAsync(long after, FeedFilter filter, int limit, CancellationToken cancellationToken)
    {
        var window = await WindowAsync(cancellationToken);
        if (window.TryRead(after, filter, limit) is { } page)
        {
            return page;
        }

        var horizon = window.Head;
        var entries = await ReadRangeAsync(after, horizon, filter, limit, cancellationToken);
        return new FeedPage(entries, entries.Count == limit ? entries[^1].Position : horizon);
    }

    public async Task WaitAsync(long after, CancellationToken cancellationToken)
        => await (await WindowAsync(cancellationToken)).WaitAsync(after, cancellationToken);

    public async Task<FeedExport> ExportAsync(FeedFilter filter, CancellationToken cancellationToken)
    {
        // The horizon first, then the export's snapshot: every change at or below it committed before the snapshot.
        var position = await _horizon.SafeAsync(cancellationToken);
        return new FeedExport(position, ExportRowsAsync(filter, cancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_tail is not null)
        {
            await _tail.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await _dataSource.DisposeAsync();
        _stopping.Dispose();
        _starting.Dispose();
    }

    /// <summary>The tail window, started at the horizon of the first use; the tail is followed from then on.</summary>
    private async Task<FeedWindow> WindowAsync(CancellationToken cancellationToken)
    {
        if (_window is { } window)
        {
            return window;
        }

        await _starting.WaitAsync(cancellationToken);
        try
        {
            if (_window is null)
            {
                var start = await _horizon.SafeAsync(cancellationToken);
                _window = new FeedWindow(start, WindowCapacity);
                _tail = Task.Run(() => FollowTailAsync(_window, _stopping.Token), CancellationToken.None);
            }

            return _window;
        }
        finally
        {
            _starting.Release();
        }
    }

    private async Task FollowTailAsync(FeedWindow window, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var horizon = await _horizon.SafeAsync(stopping);
                var head = window.Head;
                while (head < horizon)
                {
                    var entries = await ReadRangeAsync(head, horizon, FeedFilter.All, TailPage, stopping);
                    var reached = entries.Count == TailPage ? entries[^1].Position : horizon;
                    window.Append(entries, reached);
                    head = reached;
                }

                // At once when this process wrote (but no more often than every TailSpacing: under load one read
                // takes many writes' changes), else at the poll.
                var read = _clock.GetTimestamp();
                await _signal.WaitAsync(TailInterval, _clock, stopping);
                stopping.ThrowIfCancellationRequested();
                if (TailSpacing - _clock.GetElapsedTime(read) is { } rest && rest > TimeSpan.Zero)
                {
                    await Task.Delay(rest, _clock, stopping);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                LogTailFailed(ex);
                await Task.Delay(TimeSpan.FromSeconds(1), _clock, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task<List<FeedEntry>> ReadRangeAsync(long after, long horizon, FeedFilter filter, int limit, CancellationToken cancellationToken)
    {
        var entries = new List<FeedEntry>();
        if (after >= horizon)
        {
            return entries;
        }

        await using var command = _dataSource.CreateCommand(ReadSql);
        command.Parameters.Add(new NpgsqlParameter<string>("service", _serviceId));
        command.Parameters.Add(new NpgsqlParameter<long>("after", after));
        command.Parameters.Add(new NpgsqlParameter<long>("horizon", horizon));
        command.Parameters.Add(new NpgsqlParameter<string[]>("locations", [.. filter.Locations]));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var header = reader.IsDBNull(2) ? null : reader.GetFieldValue<byte[]>(2);
            entries.Add(new FeedEntry(reader.GetInt64(0), ToSnapshot(reader.GetString(1), header)));
        }

        return entries;
    }

    private async IAsyncEnumerable<AvailabilitySnapshot> ExportRowsAsync(FeedFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        await using var command = new NpgsqlCommand(ExportSql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string>("service", _serviceId));
        command.Parameters.Add(new NpgsqlParameter<string[]>("locations", [.. filter.Locations]));
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var key = reader.GetString(0);
            yield return ToSnapshot(key, await reader.GetFieldValueAsync<byte[]>(1, cancellationToken));
        }
    }

    /// <summary>The figures of a stored header; none (a cleared SKU-location) is nothing available.</summary>
    private static AvailabilitySnapshot ToSnapshot(string key, byte[]? header)
    {
        if (header is not null)
        {
            return InventoryStateJson.DeserializeHeader(header).ToSnapshot();
        }

        return Identifiers.TryParseSkuLocationKey(key, out var sku, out var location)
            ? AvailabilityProjection.Empty(sku, location)
            : AvailabilityProjection.Empty(key, "");
    }

    [LoggerMessage(EventId = 2501, EventName = "AvailabilityFeedTailFailed", Level = LogLevel.Warning, Message = "The availability feed's tail could not be read; readers wait, and it is read again in 1 s")]
    private partial void LogTailFailed(Exception exception);
}

public static class AvailabilityFeedHostingExtensions
{
    /// <summary>The availability feed read from PostgreSQL, for a process that serves the API in Postgres mode.</summary>
    public static IServiceCollection AddGridPostgresAvailabilityFeed(this IServiceCollection services, string connectionString, string serviceId)
    {
        services.TryAddSingleton<FeedTailSignal>();
        return services.AddSingleton<IAvailabilityFeed>(provider => new PostgresAvailabilityFeed(
            connectionString, serviceId, provider.GetRequiredService<FeedTailSignal>(), provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<PostgresAvailabilityFeed>>()));
    }
}
