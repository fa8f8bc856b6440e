using System.Globalization;
using Grid.Domain;
using Npgsql;
using NpgsqlTypes;
using Orleans.Configuration;
using Orleans.Storage;

namespace Grid.Silo.Storage;

/// <summary>
/// Grain storage for SKU-location state in PostgreSQL (schema 5): one statement per write carrying the state header
/// and only the reservations that changed since the previous write, guarded by the version the grain last read.
/// </summary>
/// <remarks>
/// The changes are taken from the grain's live state synchronously, before the first await, so the grain may keep
/// deciding new commands while this write is in flight (see <see cref="Infrastructure.GroupCommit"/>).
/// </remarks>
internal sealed class PostgresInventoryStorage(NpgsqlDataSource dataSource, string serviceId) : IGrainStorage, IExpiryIndex, IAsyncDisposable
{
    private readonly InventoryWriteBatcher _writes = new(dataSource);

    private const string ReadSql = """
        SELECT version, header FROM grid_inventory WHERE service_id = @service AND grain_key = @key;
        """;

    private const string ReadReservationsSql = """
        SELECT payload FROM grid_inventory_reservation WHERE service_id = @service AND grain_key = @key;
        """;

    private const string WriteSql = """
        WITH head AS (
            INSERT INTO grid_inventory AS i (service_id, grain_key, version, header, next_expiry)
            VALUES (@service, @key, 1, @header, @nextExpiry)
            ON CONFLICT (service_id, grain_key) DO UPDATE
                SET header = EXCLUDED.header, next_expiry = EXCLUDED.next_expiry, version = i.version + 1, modified_on = now()
                WHERE i.version = @expected
            RETURNING i.version
        ), upserted AS (
            INSERT INTO grid_inventory_reservation (service_id, grain_key, reservation_id, payload)
            SELECT @service, @key, r.id, r.payload
            FROM unnest(@ids, @payloads) AS r(id, payload)
            WHERE EXISTS (SELECT 1 FROM head)
            ON CONFLICT (service_id, grain_key, reservation_id) DO UPDATE SET payload = EXCLUDED.payload
        ), removed AS (
            DELETE FROM grid_inventory_reservation
            WHERE service_id = @service AND grain_key = @key AND reservation_id = ANY(@removed)
              AND EXISTS (SELECT 1 FROM head)
        )
        SELECT version FROM head;
        """;

    private const string DueSql = """
        SELECT grain_key FROM grid_inventory
        WHERE service_id = @service AND next_expiry IS NOT NULL AND next_expiry <= @now
        ORDER BY next_expiry
        LIMIT @limit;
        """;

    private const string ClearSql = """
        DELETE FROM grid_inventory_reservation WHERE service_id = @service AND grain_key = @key;
        DELETE FROM grid_inventory WHERE service_id = @service AND grain_key = @key;
        """;

    public static PostgresInventoryStorage Create(IServiceProvider services, string connectionString)
    {
        var cluster = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ClusterOptions>>().Value;
        return new PostgresInventoryStorage(NpgsqlDataSource.Create(connectionString), cluster.ServiceId);
    }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = grainId.Key.ToString()!;
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(Command(ReadSql, key));
        batch.BatchCommands.Add(Command(ReadReservationsSql, key));
        await using var reader = await batch.ExecuteReaderAsync();

        if (!await reader.ReadAsync())
        {
            grainState.State = (T)(object)new SkuLocationInventory();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        var version = reader.GetInt32(0);
        var inventory = InventoryStateSerializer.DeserializeHeader(reader.GetFieldValue<byte[]>(1));
        await reader.NextResultAsync();
        var reservations = new List<Reservation>();
        while (await reader.ReadAsync())
        {
            reservations.Add(InventoryStateSerializer.DeserializeReservation(reader.GetFieldValue<byte[]>(0)));
        }

        inventory.RestoreReservations(reservations);
        grainState.State = (T)(object)inventory;
        grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        // Everything taken from the live state happens here, before the first await.
        var changes = InventoryStateSerializer.AsInventory(grainState).TakeChanges();
        var key = grainId.Key.ToString()!;
        int? expected = grainState.ETag is null ? null : int.Parse(grainState.ETag, CultureInfo.InvariantCulture);

        var command = Command(WriteSql, key);
        command.Parameters.Add(new NpgsqlParameter<byte[]>("header", InventoryStateSerializer.Serialize(changes.Header)));
        command.Parameters.Add(new NpgsqlParameter("expected", NpgsqlDbType.Integer) { Value = (object?)expected ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("nextExpiry", NpgsqlDbType.TimestampTz) { Value = (object?)changes.NextExpiry?.UtcDateTime ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<string[]>("ids", [.. changes.ChangedReservations.Select(r => r.Id)]));
        command.Parameters.Add(new NpgsqlParameter<byte[][]>("payloads", [.. changes.ChangedReservations.Select(InventoryStateSerializer.Serialize)]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("removed", [.. changes.RemovedReservations]));

        if (await _writes.WriteAsync(command) is not { } written)
        {
            throw new InconsistentStateException(
                $"The stored state of {key} is not the version this activation read ({grainState.ETag ?? "none"}); it reloads from storage.",
                storedEtag: "unknown",
                currentEtag: grainState.ETag ?? "none");
        }

        grainState.ETag = written.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var batch = dataSource.CreateBatch();
        foreach (var sql in ClearSql.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            batch.BatchCommands.Add(Command(sql, grainId.Key.ToString()!));
        }

        await batch.ExecuteNonQueryAsync();
        grainState.State = (T)(object)new SkuLocationInventory();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    public async Task<IReadOnlyList<string>> DueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(DueSql);
        command.Parameters.Add(new NpgsqlParameter<string>("service", serviceId));
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
        await _writes.DisposeAsync();
        await dataSource.DisposeAsync();
    }

    private NpgsqlBatchCommand Command(string sql, string key)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string>("service", serviceId));
        command.Parameters.Add(new NpgsqlParameter<string>("key", key));
        return command;
    }
}
