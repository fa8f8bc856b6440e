using System.Globalization;
using Grid.Postgres;
using Npgsql;
using NpgsqlTypes;
using Orleans.Configuration;
using Orleans.Storage;

namespace Grid.Silo.Storage;

/// <summary>
/// Grain storage for Grid's grains other than SKU-locations (schema 8, <c>grid_grain_state</c>): one row per grain and
/// state name, serialized by the silo's grain storage serializer (System.Text.Json), guarded by an optimistic version.
/// </summary>
/// <remarks>
/// Reads and writes are batched across grains (<see cref="RoundTripBatcher{TRequest, TResult}"/>), where the ADO.NET
/// provider takes one connection per call: a burst of queued events that wakes thousands of SKU grains at once reads
/// their state in a few queries on a few connections.
/// </remarks>
internal sealed class PostgresGrainStorage : IGrainStorage, IAsyncDisposable
{
    /// <summary>Pool ceiling per silo unless the connection string names one.</summary>
    public const int DefaultMaxConnections = 12;

    private const int ConcurrentRoundTrips = 4;
    private const int MaxBatch = 256;

    // One primary-key probe per grain (the LIMIT keeps the planner from turning the lookup into a join): as a join,
    // the planner hashed the key list and scanned every stored state of the service, once per batch of activations.
    private const string ReadSql = """
        SELECT s.grain_id, s.state_name, s.version, s.payload
        FROM unnest(@grains, @states) AS k(grain_id, state_name)
        CROSS JOIN LATERAL (
            SELECT g.grain_id, g.state_name, g.version, g.payload FROM grid_grain_state AS g
            WHERE g.service_id = @service AND g.grain_id = k.grain_id AND g.state_name = k.state_name
            LIMIT 1) AS s;
        """;

    private const string WriteSql = """
        INSERT INTO grid_grain_state AS s (service_id, grain_id, state_name, version, payload)
        VALUES (@service, @grain, @state, 1, @payload)
        ON CONFLICT (service_id, grain_id, state_name) DO UPDATE
            SET payload = EXCLUDED.payload, version = s.version + 1, modified_on = now()
            WHERE s.version = @expected
        RETURNING version;
        """;

    private const string ClearSql = """
        DELETE FROM grid_grain_state
        WHERE service_id = @service AND grain_id = @grain AND state_name = @state AND version = @expected;
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _serviceId;
    private readonly IGrainStorageSerializer _serializer;
    private readonly RoundTripBatcher<StateKey, StoredState?> _reads;
    private readonly RoundTripBatcher<NpgsqlBatchCommand, int?> _writes;

    public PostgresGrainStorage(NpgsqlDataSource dataSource, string serviceId, IGrainStorageSerializer serializer)
    {
        _dataSource = dataSource;
        _serviceId = serviceId;
        _serializer = serializer;
        _reads = new(ReadManyAsync, ConcurrentRoundTrips, MaxBatch);
        _writes = new(WriteManyAsync, ConcurrentRoundTrips, MaxBatch);
    }

    public static PostgresGrainStorage Create(IServiceProvider services, string connectionString)
        => new(
            GridDataSource.Create(connectionString, DefaultMaxConnections, "grid-grain-state"),
            services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ClusterOptions>>().Value.ServiceId,
            services.GetRequiredService<IGrainStorageSerializer>());

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (await _reads.SubmitAsync(new StateKey(grainId.ToString(), stateName)) is not { } stored)
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        grainState.State = _serializer.Deserialize<T>(new BinaryData(stored.Payload));
        grainState.ETag = stored.Version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var command = Command(WriteSql, grainId, stateName, grainState.ETag);
        command.Parameters.Add(new NpgsqlParameter<byte[]>("payload", _serializer.Serialize(grainState.State).ToArray()));
        if (await _writes.SubmitAsync(command) is not { } written)
        {
            throw Inconsistent(grainId, stateName, grainState.ETag);
        }

        grainState.ETag = written.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (grainState.ETag is not null)
        {
            await using var batch = _dataSource.CreateBatch();
            batch.BatchCommands.Add(Command(ClearSql, grainId, stateName, grainState.ETag));
            if (await batch.ExecuteNonQueryAsync() == 0)
            {
                throw Inconsistent(grainId, stateName, grainState.ETag);
            }
        }

        grainState.State = Activator.CreateInstance<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    public async ValueTask DisposeAsync()
    {
        await _reads.DisposeAsync();
        await _writes.DisposeAsync();
        await _dataSource.DisposeAsync();
    }

    private async Task<IReadOnlyList<StoredState?>> ReadManyAsync(IReadOnlyList<StateKey> keys)
    {
        await using var command = _dataSource.CreateCommand(ReadSql);
        command.Parameters.Add(new NpgsqlParameter<string>("service", _serviceId));
        command.Parameters.Add(new NpgsqlParameter<string[]>("grains", [.. keys.Select(k => k.GrainId)]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("states", [.. keys.Select(k => k.StateName)]));

        var found = new Dictionary<StateKey, StoredState>(keys.Count);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            found[new StateKey(reader.GetString(0), reader.GetString(1))] = new StoredState(reader.GetInt32(2), reader.GetFieldValue<byte[]>(3));
        }

        return [.. keys.Select(key => found.GetValueOrDefault(key))];
    }

    private Task<IReadOnlyList<int?>> WriteManyAsync(IReadOnlyList<NpgsqlBatchCommand> writes)
        => VersionedWrites.ExecuteAsync(_dataSource, writes);

    private NpgsqlBatchCommand Command(string sql, GrainId grainId, string stateName, string? etag)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string>("service", _serviceId));
        command.Parameters.Add(new NpgsqlParameter<string>("grain", grainId.ToString()));
        command.Parameters.Add(new NpgsqlParameter<string>("state", stateName));
        command.Parameters.Add(new NpgsqlParameter("expected", NpgsqlDbType.Integer)
        {
            Value = etag is null ? DBNull.Value : int.Parse(etag, CultureInfo.InvariantCulture),
        });
        return command;
    }

    private static InconsistentStateException Inconsistent(GrainId grainId, string stateName, string? etag)
        => new(
            $"The stored '{stateName}' state of {grainId} is not the version this activation read ({etag ?? "none"}); it reloads from storage.",
            storedEtag: "unknown",
            currentEtag: etag ?? "none");

    private readonly record struct StateKey(string GrainId, string StateName);

    private sealed record StoredState(int Version, byte[] Payload);
}
