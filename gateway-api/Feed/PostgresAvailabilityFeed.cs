using System.Runtime.CompilerServices;
using Grid.Inventory;
using Grid.Postgres;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Grid.Gateway.Feed;

/// <summary>
/// The feed in Postgres mode: <c>grid_availability_feed</c>, one row per SKU-location whose position the inventory
/// storage moves in the same statement as the state write (schema 11). Read up to a safe horizon
/// (<see cref="PostgresFeedHorizon"/>), each row with the figures it was moved with (schema 12). While anyone reads, the process
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

    /// <summary>
    /// The least time between two reads of the tail once a read finds at least <see cref="BusyStep"/> changes: under a
    /// steady stream of writes each step then takes more of them, for fewer round trips and commit records.
    /// </summary>
    public static readonly TimeSpan BusyTailSpacing = TimeSpan.FromMilliseconds(50);

    /// <summary>Changes one read of the tail finds from which the tail counts as busy.</summary>
    public const int BusyStep = 16;

    /// <summary>How long the tail waits before it asks again whether writers that drew positions have ended.</summary>
    private static readonly TimeSpan SettlePause = TimeSpan.FromMilliseconds(2);

    /// <summary>SKU-locations the tail window holds; a reader further behind reads PostgreSQL.</summary>
    public const int WindowCapacity = 20_000;

    private const int TailPage = 2_000;

    private const string EpochSql = "SELECT epoch FROM grid_availability_feed_epoch";

    /// <summary>A row moved before schema 12 carries no figures: they are read from its state (none once cleared).</summary>
    private const string StoredHeader = """
        CASE WHEN f.snapshot IS NULL THEN
            (SELECT i.header FROM grid_inventory AS i WHERE i.service_id = f.service_id AND i.grain_key = f.grain_key)
        END
        """;

    private const string ReadSql = $$"""
        SELECT f.position, f.grain_key, f.snapshot, {{StoredHeader}}
        FROM grid_availability_feed AS f
        WHERE f.service_id = @service AND f.position > @after AND f.position <= @horizon
          AND (cardinality(@locations) = 0 OR split_part(f.grain_key, '@', 2) = ANY(@locations))
        ORDER BY f.position
        LIMIT @limit
        """;

    /// <summary>
    /// The tail's page: as <see cref="ReadSql"/> for every location, and only once the writers up to the horizon have
    /// ended (the oldest running transaction is past <c>@assigned</c>).
    /// </summary>
    private const string TailSql = $$"""
        SELECT f.position, f.grain_key, f.snapshot, {{StoredHeader}}
        FROM grid_availability_feed AS f
        WHERE f.service_id = @service AND f.position > @after AND f.position <= @horizon
          AND pg_snapshot_xmin(pg_current_snapshot())::text::bigint > @assigned
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

    /// <summary>
    /// Follows the tail one step at a time. Each step is one round trip: it asks whether the last step's mark is
    /// settled, reads the window on up to that mark's position when it is, and takes a new mark. So a change is read
    /// one step after the step that saw its position drawn. Steps follow each other while positions are drawn and not
    /// yet read (at most every <see cref="TailSpacing"/> while they read changes); otherwise the next waits for this
    /// process's storage to say it wrote, or for the poll (<see cref="TailInterval"/>) for other processes' changes.
    /// A step that found many changes spaces the next by <see cref="BusyTailSpacing"/>.
    /// </summary>
    private async Task FollowTailAsync(FeedWindow window, CancellationToken stopping)
    {
        FeedMark? mark = null;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var started = _clock.GetTimestamp();
                var step = await StepAsync(window.Head, mark, stopping);
                if (mark is { } settled && step.Settled)
                {
                    var reached = step.Entries.Count == TailPage ? step.Entries[^1].Position : settled.Drawn;
                    window.Append(step.Entries, reached);
                    if (reached < settled.Drawn)
                    {
                        continue;
                    }
                }

                if (mark is null || step.Settled)
                {
                    // (A settled step always takes a new mark; kept as it was, the old one would only be read past again.)
                    mark = step.Next ?? mark;
                }
                else
                {
                    // Writers that drew positions up to the mark are still running: ask again shortly.
                    await Task.Delay(SettlePause, _clock, stopping);
                    continue;
                }

                if (mark!.Value.Drawn <= window.Head)
                {
                    // Nothing drawn past what was read: at once when this process writes, else at the poll.
                    await _signal.WaitAsync(TailInterval, _clock, stopping);
                    stopping.ThrowIfCancellationRequested();
                }

                // After a step that read changes, the next waits out the spacing (longer when busy): under load one
                // step takes many writes' changes. One that read nothing (the first after a quiet spell) follows at once.
                var spacing = step.Entries.Count >= BusyStep ? BusyTailSpacing : TailSpacing;
                if (step.Entries.Count > 0 && spacing - _clock.GetElapsedTime(started) is { } rest && rest > TimeSpan.Zero)
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
                mark = null;
                await Task.Delay(TimeSpan.FromSeconds(1), _clock, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>
    /// One round trip: whether <paramref name="mark"/> is settled, the window's next page up to its position if so (the
    /// read checks it too, so it never returns rows above an unsettled mark), and a new mark if so.
    /// </summary>
    private async Task<TailStep> StepAsync(long head, FeedMark? mark, CancellationToken cancellationToken)
    {
        await using var batch = _dataSource.CreateBatch();
        if (mark is { } m)
        {
            var ended = new NpgsqlBatchCommand(PostgresFeedHorizon.EndedSql);
            ended.Parameters.Add(new NpgsqlParameter<long>("assigned", m.Assigned));
            batch.BatchCommands.Add(ended);
            var read = new NpgsqlBatchCommand(TailSql);
            read.Parameters.Add(new NpgsqlParameter<string>("service", _serviceId));
            read.Parameters.Add(new NpgsqlParameter<long>("after", head));
            read.Parameters.Add(new NpgsqlParameter<long>("horizon", m.Drawn));
            read.Parameters.Add(new NpgsqlParameter<long>("assigned", m.Assigned));
            read.Parameters.Add(new NpgsqlParameter<int>("limit", TailPage));
            batch.BatchCommands.Add(read);
        }

        PostgresFeedHorizon.AddMark(batch, unless: mark);
        var settled = false;
        List<StoredFeedRow> rows = [];
        FeedMark? next;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            if (mark is not null)
            {
                await reader.ReadAsync(cancellationToken);
                settled = reader.GetBoolean(0);
                await reader.NextResultAsync(cancellationToken);
                rows = await ReadRowsAsync(reader, cancellationToken);
                await reader.NextResultAsync(cancellationToken);
            }

            next = await PostgresFeedHorizon.ReadMarkAsync(reader, cancellationToken);
        }

        // Rows read while the first statement still saw a writer running are dropped: the mark was not settled then.
        return new TailStep(settled, settled ? ToEntries(rows) : [], next);
    }

    /// <summary>
    /// A page's rows as stored, taken off the wire before any of them is decoded: the server's statement, and the
    /// snapshot it holds, end as soon as the page is sent, rather than waiting on this process to decode each header.
    /// A snapshot held that long keeps every version of the SKU-locations written meanwhile alive, which makes every
    /// later write and read walk them.
    /// </summary>
    private static async Task<List<StoredFeedRow>> ReadRowsAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var rows = new List<StoredFeedRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new StoredFeedRow(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetFieldValue<byte[]>(2),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<byte[]>(3)));
        }

        return rows;
    }

    private static List<FeedEntry> ToEntries(List<StoredFeedRow> rows)
        => rows.ConvertAll(row => new FeedEntry(
            row.Position, row.Snapshot is { } snapshot ? InventoryStateJson.DeserializeSnapshot(snapshot) : ToSnapshot(row.Key, row.Header)));

    private readonly record struct StoredFeedRow(long Position, string Key, byte[]? Snapshot, byte[]? Header);

    private readonly record struct TailStep(bool Settled, List<FeedEntry> Entries, FeedMark? Next);

    private async Task<List<FeedEntry>> ReadRangeAsync(long after, long horizon, FeedFilter filter, int limit, CancellationToken cancellationToken)
    {
        if (after >= horizon)
        {
            return [];
        }

        await using var command = _dataSource.CreateCommand(ReadSql);
        command.Parameters.Add(new NpgsqlParameter<string>("service", _serviceId));
        command.Parameters.Add(new NpgsqlParameter<long>("after", after));
        command.Parameters.Add(new NpgsqlParameter<long>("horizon", horizon));
        command.Parameters.Add(new NpgsqlParameter<string[]>("locations", [.. filter.Locations]));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        List<StoredFeedRow> rows;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            rows = await ReadRowsAsync(reader, cancellationToken);
        }

        return ToEntries(rows);
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
