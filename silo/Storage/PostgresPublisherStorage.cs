using System.Globalization;
using Grid.Domain.Outbound;
using Grid.Postgres;
using Npgsql;
using Orleans.Configuration;
using Orleans.Storage;

namespace Grid.Silo.Storage;

/// <summary>
/// Grain storage for outbound publishers in PostgreSQL (schema 10): one statement per write carrying the header, the
/// subjects whose numbering changed and the entries added, changed or removed since the previous write (see
/// <see cref="PublisherQueue.TakeChanges"/>), guarded by the version the publisher last read. Writes of several
/// publishers waiting at the same moment share a round trip (<see cref="RoundTripBatcher{TRequest, TResult}"/>).
/// </summary>
/// <remarks>
/// A publisher stored before schema 10 (one JSON document in <c>grid_grain_state</c>) is read from there when it has
/// no header here; its first write moves everything into rows and removes the old document.
/// </remarks>
internal sealed class PostgresPublisherStorage : IGrainStorage, IAsyncDisposable
{
    private const int MaxConnections = 8;
    private const int ConcurrentWrites = 2;
    private const int MaxBatch = 64;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _serviceId;
    private readonly IGrainStorage _legacy;
    private readonly RoundTripBatcher<NpgsqlBatchCommand, int?> _writes;
    private readonly Dictionary<string, string?> _legacyETags = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public PostgresPublisherStorage(NpgsqlDataSource dataSource, string serviceId, IGrainStorage legacy)
    {
        _dataSource = dataSource;
        _serviceId = serviceId;
        _legacy = legacy;
        _writes = new(WriteManyAsync, ConcurrentWrites, MaxBatch);
    }

    private const string ReadSql = """
        SELECT version, header FROM grid_outbound_publisher WHERE service_id = @service AND grain_key = @key;
        SELECT subject, last_sequence, last_source_sequence FROM grid_outbound_subject WHERE service_id = @service AND grain_key = @key;
        SELECT kind, payload FROM grid_outbound_entry WHERE service_id = @service AND grain_key = @key;
        """;

    // Entries are netted per key before they get here, so no key is both upserted and removed in one statement.
    // Removals look each entry up by its whole key: joined as a set, the planner (with the statistics of a young
    // table) walked every entry of the publisher once per removed one, hundreds of milliseconds per write under load.
    private const string WriteSql = """
        WITH head AS (
            INSERT INTO grid_outbound_publisher AS p (service_id, grain_key, version, header)
            VALUES (@service, @key, 1, @header)
            ON CONFLICT (service_id, grain_key) DO UPDATE
                SET header = EXCLUDED.header, version = p.version + 1, modified_on = now()
                WHERE p.version = @expected
            RETURNING p.version
        ), subjects AS (
            INSERT INTO grid_outbound_subject (service_id, grain_key, subject, last_sequence, last_source_sequence)
            SELECT @service, @key, s.subject, s.last_sequence, s.last_source_sequence
            FROM unnest(@subjects, @lastSequences, @lastSourceSequences) AS s(subject, last_sequence, last_source_sequence)
            WHERE EXISTS (SELECT 1 FROM head)
            ON CONFLICT (service_id, grain_key, subject) DO UPDATE
                SET last_sequence = EXCLUDED.last_sequence, last_source_sequence = EXCLUDED.last_source_sequence
        ), moved AS (
            DELETE FROM grid_outbound_subject AS m
            WHERE m.service_id = @service AND m.grain_key = @key AND m.subject = ANY (@movedSubjects)
              AND EXISTS (SELECT 1 FROM head)
        ), upserted AS (
            INSERT INTO grid_outbound_entry (service_id, grain_key, kind, subject, sequence, payload)
            SELECT @service, @key, e.kind, e.subject, e.sequence, e.payload
            FROM unnest(@kinds, @entrySubjects, @sequences, @payloads) AS e(kind, subject, sequence, payload)
            WHERE EXISTS (SELECT 1 FROM head)
            ON CONFLICT (service_id, grain_key, kind, subject, sequence) DO UPDATE SET payload = EXCLUDED.payload
        ), removed AS (
            DELETE FROM grid_outbound_entry AS d
            WHERE d.ctid = ANY (ARRAY(
                SELECT found.ctid FROM unnest(@removedKinds, @removedSubjects, @removedSequences) AS r(kind, subject, sequence)
                CROSS JOIN LATERAL (
                    SELECT e.ctid FROM grid_outbound_entry AS e
                    WHERE e.service_id = @service AND e.grain_key = @key
                      AND e.kind = r.kind AND e.subject = r.subject AND e.sequence = r.sequence
                    LIMIT 1) AS found))
              AND EXISTS (SELECT 1 FROM head)
        )
        SELECT version FROM head;
        """;

    private const string ClearSql = """
        DELETE FROM grid_outbound_entry WHERE service_id = @service AND grain_key = @key;
        DELETE FROM grid_outbound_subject WHERE service_id = @service AND grain_key = @key;
        DELETE FROM grid_outbound_publisher WHERE service_id = @service AND grain_key = @key;
        """;

    public static PostgresPublisherStorage Create(IServiceProvider services, string connectionString)
    {
        var cluster = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ClusterOptions>>().Value;
        var dataSource = GridDataSource.Create(connectionString, MaxConnections, "grid-outbound");
        return new PostgresPublisherStorage(dataSource, cluster.ServiceId, services.GetRequiredKeyedService<IGrainStorage>(Infrastructure.StorageNames.Grid));
    }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = grainId.Key.ToString()!;
        await using var batch = KeyedStatements.Batch(_dataSource, ReadSql, _serviceId, key);

        await using var reader = await batch.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            await reader.DisposeAsync();
            await ReadLegacyAsync(stateName, grainId, grainState, key);
            return;
        }

        var version = reader.GetInt32(0);
        var header = reader.GetFieldValue<byte[]>(1);
        await reader.NextResultAsync();
        var subjects = new List<SubjectRow>();
        while (await reader.ReadAsync())
        {
            subjects.Add(new SubjectRow(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        }

        await reader.NextResultAsync();
        var entries = new List<(EntryKind, byte[])>();
        while (await reader.ReadAsync())
        {
            entries.Add(((EntryKind)reader.GetInt16(0), reader.GetFieldValue<byte[]>(1)));
        }

        grainState.State = (T)(object)PublisherRowSerializer.Restore(header, subjects, entries);
        grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        // Everything taken from the live state happens here, before the first await.
        var changes = PublisherRowSerializer.AsQueue(grainState).TakeChanges();
        var key = grainId.Key.ToString()!;
        int? expected = grainState.ETag is null ? null : int.Parse(grainState.ETag, CultureInfo.InvariantCulture);
        var upserts = changes.Upserts.ToList();
        var removals = changes.Removals.ToList();

        var command = KeyedStatements.Command(WriteSql, _serviceId, key);
        command.Parameters.Add(new NpgsqlParameter<byte[]>("header", PublisherRowSerializer.Header(changes.Header)));
        command.Parameters.Add(new NpgsqlParameter("expected", NpgsqlTypes.NpgsqlDbType.Integer) { Value = (object?)expected ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<string[]>("subjects", [.. changes.Subjects.Select(s => s.Subject)]));
        command.Parameters.Add(new NpgsqlParameter<long[]>("lastSequences", [.. changes.Subjects.Select(s => s.LastSequence)]));
        command.Parameters.Add(new NpgsqlParameter<long[]>("lastSourceSequences", [.. changes.Subjects.Select(s => s.LastSourceSequence)]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("movedSubjects", [.. changes.RemovedSubjects]));
        command.Parameters.Add(new NpgsqlParameter<short[]>("kinds", [.. upserts.Select(e => (short)e.Key.Kind)]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("entrySubjects", [.. upserts.Select(e => e.Key.Subject)]));
        command.Parameters.Add(new NpgsqlParameter<long[]>("sequences", [.. upserts.Select(e => e.Key.Sequence)]));
        command.Parameters.Add(new NpgsqlParameter<byte[][]>("payloads", [.. upserts.Select(e => PublisherRowSerializer.Entry(e.Key.Kind, e.Value))]));
        command.Parameters.Add(new NpgsqlParameter<short[]>("removedKinds", [.. removals.Select(e => (short)e.Kind)]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("removedSubjects", [.. removals.Select(e => e.Subject)]));
        command.Parameters.Add(new NpgsqlParameter<long[]>("removedSequences", [.. removals.Select(e => e.Sequence)]));

        if (await _writes.SubmitAsync(command) is not { } written)
        {
            throw new InconsistentStateException(
                $"The stored state of publisher {key} is not the version this activation read ({grainState.ETag ?? "none"}); it reloads from storage.",
                storedEtag: "unknown",
                currentEtag: grainState.ETag ?? "none");
        }

        grainState.ETag = written.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
        bool moved;
        string? legacyETag;
        lock (_gate)
        {
            moved = _legacyETags.Remove(key, out legacyETag);
        }

        if (moved)
        {
            // Everything the old document held is in rows now.
            await _legacy.ClearStateAsync(stateName, grainId, new GrainState<PublisherQueue>(new PublisherQueue(), legacyETag));
        }
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var batch = KeyedStatements.Batch(_dataSource, ClearSql, _serviceId, grainId.Key.ToString()!);

        await batch.ExecuteNonQueryAsync();
        grainState.State = (T)(object)new PublisherQueue();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    public async ValueTask DisposeAsync()
    {
        await _writes.DisposeAsync();
        await _dataSource.DisposeAsync();
    }

    /// <summary>A publisher with no rows yet: what the document of before schema 10 held, marked to be written as rows.</summary>
    private async Task ReadLegacyAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, string key)
    {
        var legacy = new GrainState<PublisherQueue>(new PublisherQueue());
        await _legacy.ReadStateAsync(stateName, grainId, legacy);
        var queue = legacy.RecordExists && legacy.State is { } stored ? stored : new PublisherQueue();
        if (legacy.RecordExists)
        {
            queue.MarkAllChanged();
            lock (_gate)
            {
                _legacyETags[key] = legacy.ETag;
            }
        }

        grainState.State = (T)(object)queue;
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private Task<IReadOnlyList<int?>> WriteManyAsync(IReadOnlyList<NpgsqlBatchCommand> writes)
        => VersionedWrites.ExecuteAsync(_dataSource, writes);
}
