using System.Globalization;
using System.Text;
using Grid.Domain;
using Grid.Gateway.Feed;
using Grid.Postgres;
using Npgsql;
using Orleans.Configuration;
using Orleans.Storage;

namespace Grid.Silo.Storage;

/// <summary>
/// Grain storage for SKU-location state in PostgreSQL (schemas 5, 9 and 11): a write carries the state header, only
/// the reservations that changed since the previous write and the event keys and movements recorded since then (the
/// journal), guarded by the version the grain last read; the writes waiting together go in one statement
/// (<see cref="InventoryWrites"/>).
/// </summary>
/// <remarks>
/// <para>The changes are taken from the grain's live state synchronously, before the first await, so the grain may keep
/// deciding new commands while this write is in flight (see <see cref="Infrastructure.GroupCommit"/>).</para>
/// <para>Reads and writes are batched across grains (<see cref="RoundTripBatcher{TRequest, TResult}"/>): the writes
/// waiting at the same moment go out as one statement in one transaction (one WAL flush), and the activations that read
/// at the same moment (a burst of queued events waking thousands of SKU-locations) share one query by key list. A
/// few round trips run at once, so a burst takes a few connections, not one per grain.</para>
/// </remarks>
internal sealed class PostgresInventoryStorage : IGrainStorage, IExpiryIndex, IAsyncDisposable
{
    /// <summary>Pool ceiling per silo unless the connection string names one: the read and write flushes, and the expiry sweep.</summary>
    public const int DefaultMaxConnections = 16;

    private const int ConcurrentReads = 4;
    private const int ConcurrentWrites = 4;
    private const int MaxBatch = 256;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _serviceId;
    private readonly RoundTripBatcher<string, StoredInventory?> _reads;
    private readonly RoundTripBatcher<InventoryWrite, int?> _writes;

    /// <summary>Told after each committed write that moved the availability feed (this process's feed reads its tail then).</summary>
    public FeedTailSignal? FeedWritten { get; init; }

    public PostgresInventoryStorage(NpgsqlDataSource dataSource, string serviceId)
    {
        _dataSource = dataSource;
        _serviceId = serviceId;
        _reads = new(ReadManyAsync, ConcurrentReads, MaxBatch);
        _writes = new(WriteManyAsync, ConcurrentWrites, MaxBatch);
    }

    private const string ReadSql = """
        SELECT grain_key, version, header FROM grid_inventory WHERE service_id = @service AND grain_key = ANY(@keys);
        """;

    private const string ReadReservationsSql = """
        SELECT grain_key, payload FROM grid_inventory_reservation WHERE service_id = @service AND grain_key = ANY(@keys);
        """;

    private const string ReadJournalSql = """
        SELECT k.key, j.kind, j.payload
        FROM unnest(@keys) AS k(key)
        CROSS JOIN LATERAL (
            SELECT j.kind, j.sequence, j.payload FROM grid_inventory_journal AS j
            WHERE j.service_id = @service AND j.grain_key = k.key
            ORDER BY j.kind, j.sequence) AS j;
        """;

    private const string DueSql = """
        SELECT grain_key FROM grid_inventory
        WHERE service_id = @service AND next_expiry IS NOT NULL AND next_expiry <= @now
        ORDER BY next_expiry
        LIMIT @limit;
        """;

    // The feed row moves too, so readers learn that the SKU-location is gone (no state: nothing available). The
    // position is drawn after the transaction has an xid (OFFSET 0 keeps the subquery from being folded in).
    private const string ClearSql = """
        DELETE FROM grid_inventory_reservation WHERE service_id = @service AND grain_key = @key;
        DELETE FROM grid_inventory_journal WHERE service_id = @service AND grain_key = @key;
        DELETE FROM grid_inventory WHERE service_id = @service AND grain_key = @key;
        INSERT INTO grid_availability_feed (service_id, grain_key, position)
            SELECT @service, @key, nextval('grid_availability_feed_position') FROM (SELECT pg_current_xact_id() OFFSET 0) AS x
            ON CONFLICT (service_id, grain_key) DO UPDATE SET position = EXCLUDED.position, snapshot = NULL;
        """;

    public static PostgresInventoryStorage Create(IServiceProvider services, string connectionString)
    {
        var cluster = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ClusterOptions>>().Value;
        var dataSource = GridDataSource.Create(connectionString, DefaultMaxConnections, "grid-inventory");
        return new PostgresInventoryStorage(dataSource, cluster.ServiceId) { FeedWritten = services.GetService<FeedTailSignal>() };
    }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (await _reads.SubmitAsync(grainId.Key.ToString()!) is not { } stored)
        {
            grainState.State = (T)(object)new SkuLocationInventory();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        var inventory = InventoryStateSerializer.DeserializeHeader(stored.Header);
        inventory.RestoreReservations([.. stored.Reservations.Select(payload => InventoryStateSerializer.DeserializeReservation(payload))]);
        inventory.RestoreJournal(
            [.. stored.EventKeys.Select(payload => Encoding.UTF8.GetString(payload))],
            [.. stored.Movements.Select(payload => InventoryStateSerializer.DeserializeMovement(payload))]);
        grainState.State = (T)(object)inventory;
        grainState.ETag = stored.Version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        // Everything taken from the live state happens here, before the first await.
        var changes = InventoryStateSerializer.AsInventory(grainState).TakeChanges();
        var key = grainId.Key.ToString()!;
        int? expected = grainState.ETag is null ? null : int.Parse(grainState.ETag, CultureInfo.InvariantCulture);
        if (await _writes.SubmitAsync(InventoryWrite.Of(key, expected, changes)) is not { } written)
        {
            throw new InconsistentStateException(
                $"The stored state of {key} is not the version this activation read ({grainState.ETag ?? "none"}); it reloads from storage.",
                storedEtag: "unknown",
                currentEtag: grainState.ETag ?? "none");
        }

        grainState.ETag = written.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
        if (changes.AvailabilityChanged)
        {
            FeedWritten?.Poke();
        }
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var batch = KeyedStatements.Batch(_dataSource, ClearSql, _serviceId, grainId.Key.ToString()!);

        await batch.ExecuteNonQueryAsync();
        grainState.State = (T)(object)new SkuLocationInventory();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    public async Task<IReadOnlyList<string>> DueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(DueSql);
        command.Parameters.Add(new NpgsqlParameter<string>("service", _serviceId));
        command.Parameters.Add(new NpgsqlParameter<DateTime>("now", now.UtcDateTime));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        var keys = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    public async ValueTask DisposeAsync()
    {
        await _reads.DisposeAsync();
        await _writes.DisposeAsync();
        await _dataSource.DisposeAsync();
    }

    private async Task<IReadOnlyList<StoredInventory?>> ReadManyAsync(IReadOnlyList<string> keys)
    {
        var distinct = keys.Distinct().ToArray();
        await using var batch = _dataSource.CreateBatch();
        foreach (var sql in new[] { ReadSql, ReadReservationsSql, ReadJournalSql })
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.Add(new NpgsqlParameter<string>("service", _serviceId));
            command.Parameters.Add(new NpgsqlParameter<string[]>("keys", distinct));
            batch.BatchCommands.Add(command);
        }

        var found = new Dictionary<string, StoredInventory>(distinct.Length, StringComparer.Ordinal);
        await using var reader = await batch.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var key = reader.GetString(0);
            found[key] = new StoredInventory(reader.GetInt32(1), reader.GetFieldValue<byte[]>(2), [], [], []);
        }

        await reader.NextResultAsync();
        while (await reader.ReadAsync())
        {
            if (found.TryGetValue(reader.GetString(0), out var stored))
            {
                stored.Reservations.Add(reader.GetFieldValue<byte[]>(1));
            }
        }

        await reader.NextResultAsync();
        while (await reader.ReadAsync())
        {
            if (found.TryGetValue(reader.GetString(0), out var stored))
            {
                (reader.GetInt16(1) == InventoryWrites.EventKeyEntry ? stored.EventKeys : stored.Movements).Add(reader.GetFieldValue<byte[]>(2));
            }
        }

        return [.. keys.Select(key => found.GetValueOrDefault(key))];
    }

    private Task<IReadOnlyList<int?>> WriteManyAsync(IReadOnlyList<InventoryWrite> writes)
        => InventoryWrites.ExecuteAsync(_dataSource, _serviceId, writes);

    /// <summary>A SKU-location's stored header, reservation and journal payloads (oldest first), deserialized by the grain that asked.</summary>
    private sealed record StoredInventory(int Version, byte[] Header, List<byte[]> Reservations, List<byte[]> EventKeys, List<byte[]> Movements);
}
