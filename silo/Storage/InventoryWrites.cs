using System.Text;
using Grid.Domain;
using Grid.Inventory;
using Grid.Postgres;
using Npgsql;
using NpgsqlTypes;

namespace Grid.Silo.Storage;

/// <summary>
/// One SKU-location's write, serialized when the inventory storage takes it from the grain's live state (the
/// reservations it names are live objects that later commands may change). <see cref="Snapshot"/>, the figures the
/// availability feed row carries, only when the write moves the SKU-location in the feed.
/// </summary>
internal sealed record InventoryWrite(
    string Key,
    int? Expected,
    byte[] Header,
    DateTime? NextExpiry,
    byte[]? Snapshot,
    IReadOnlyList<(string Id, byte[] Payload)> ChangedReservations,
    IReadOnlyList<string> RemovedReservations,
    InventoryWrites.JournalEntries Journal)
{
    public static InventoryWrite Of(string key, int? expected, InventoryChanges changes) => new(
        key,
        expected,
        InventoryStateSerializer.Serialize(changes.Header),
        changes.NextExpiry?.UtcDateTime,
        changes.AvailabilityChanged ? InventoryStateJson.SerializeSnapshot(changes.Header.ToSnapshot()) : null,
        [.. changes.ChangedReservations.Select(r => (r.Id, InventoryStateSerializer.Serialize(r)))],
        changes.RemovedReservations,
        InventoryWrites.JournalEntries.Of(changes.Journal));
}

/// <summary>
/// The writes of many SKU-locations in one statement (schemas 5, 9 and 11): every array parameter holds the rows of
/// all of them, so a batch of 200 writes costs PostgreSQL one statement's start and end instead of 200, and this
/// process one command to build and bind.
/// </summary>
/// <remarks>
/// <para>Each header is guarded by the version its activation read: a header whose stored version differs is not
/// written, its key is missing from what the statement returns, and none of that SKU-location's other rows are
/// written either (they join the written headers). That write alone is refused; the others stand.</para>
/// <para>A key may appear once per statement (PostgreSQL cannot upsert one row twice in one statement). A grain has
/// one write in flight at a time, so a batch holds two writes of one key only when two activations of it raced; the
/// later ones then go in a statement of their own, after the first, in the same transaction, and meet its version.</para>
/// </remarks>
internal static class InventoryWrites
{
    public const short EventKeyEntry = 1;
    public const short MovementEntry = 2;

    // The proposed row carries the version it would have after the write (expected + 1; 1 for a first write): a
    // conflicting row is updated only when it is at the version before that. The forgotten reservations and journal
    // entries are found one primary-key probe each (the LIMIT-less lateral stays an index probe per key; written as a
    // join, the planner may walk every row of a busy SKU-location). Feed positions are drawn per written header, after
    // it is written, so the transaction holds an xid before it holds a position (the feed's safe horizon relies on it).
    private const string Sql = """
        WITH w AS (
            SELECT * FROM unnest(@keys, @versions, @headers, @expiries, @snapshots) AS w(grain_key, version, header, next_expiry, snapshot)
        ), head AS (
            INSERT INTO grid_inventory AS i (service_id, grain_key, version, header, next_expiry)
            SELECT @service, w.grain_key, w.version, w.header, w.next_expiry FROM w
            ON CONFLICT (service_id, grain_key) DO UPDATE
                SET header = EXCLUDED.header, next_expiry = EXCLUDED.next_expiry, version = i.version + 1, modified_on = now()
                WHERE i.version = EXCLUDED.version - 1
            RETURNING i.grain_key, i.version
        ), upserted AS (
            INSERT INTO grid_inventory_reservation (service_id, grain_key, reservation_id, payload)
            SELECT @service, r.grain_key, r.id, r.payload
            FROM unnest(@reservationKeys, @reservationIds, @reservationPayloads) AS r(grain_key, id, payload)
            WHERE r.grain_key IN (SELECT grain_key FROM head)
            ON CONFLICT (service_id, grain_key, reservation_id) DO UPDATE SET payload = EXCLUDED.payload
        ), removed AS (
            DELETE FROM grid_inventory_reservation AS d
            WHERE d.ctid = ANY (ARRAY(
                SELECT found.ctid FROM unnest(@removedKeys, @removedIds) AS x(grain_key, id)
                CROSS JOIN LATERAL (
                    SELECT r.ctid FROM grid_inventory_reservation AS r
                    WHERE r.service_id = @service AND r.grain_key = x.grain_key AND r.reservation_id = x.id
                    LIMIT 1) AS found
                WHERE x.grain_key IN (SELECT grain_key FROM head)))
        ), journaled AS (
            INSERT INTO grid_inventory_journal (service_id, grain_key, kind, sequence, payload)
            SELECT @service, j.grain_key, j.kind, j.sequence, j.payload
            FROM unnest(@journalKeys, @journalKinds, @journalSequences, @journalPayloads) AS j(grain_key, kind, sequence, payload)
            WHERE j.grain_key IN (SELECT grain_key FROM head)
            ON CONFLICT (service_id, grain_key, kind, sequence) DO UPDATE SET payload = EXCLUDED.payload
        ), forgotten AS (
            DELETE FROM grid_inventory_journal AS d
            WHERE d.ctid = ANY (ARRAY(
                SELECT found.ctid FROM unnest(@forgetKeys, @forgetKinds, @forgetBelow) AS x(grain_key, kind, below)
                CROSS JOIN LATERAL (
                    SELECT j.ctid FROM grid_inventory_journal AS j
                    WHERE j.service_id = @service AND j.grain_key = x.grain_key AND j.kind = x.kind AND j.sequence < x.below) AS found
                WHERE x.grain_key IN (SELECT grain_key FROM head)))
        ), fed AS (
            INSERT INTO grid_availability_feed AS f (service_id, grain_key, position, snapshot)
            SELECT @service, head.grain_key, nextval('grid_availability_feed_position'), w.snapshot
            FROM head JOIN w ON w.grain_key = head.grain_key
            WHERE w.snapshot IS NOT NULL
            ON CONFLICT (service_id, grain_key) DO UPDATE SET position = EXCLUDED.position, snapshot = EXCLUDED.snapshot
        )
        SELECT grain_key, version FROM head
        """;

    /// <summary>
    /// Runs <paramref name="writes"/> in one transaction and answers each one's new version, or null where its
    /// activation's version was not the stored one. If the statement fails, nothing of any of them is stored.
    /// </summary>
    public static Task<IReadOnlyList<int?>> ExecuteAsync(NpgsqlDataSource dataSource, string serviceId, IReadOnlyList<InventoryWrite> writes)
        => VersionedWrites.OnConnectionAsync(dataSource, connection => RunAsync(connection, serviceId, writes));

    private static async Task<IReadOnlyList<int?>> RunAsync(NpgsqlConnection connection, string serviceId, IReadOnlyList<InventoryWrite> writes)
    {
        var rounds = Rounds(writes);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var round in rounds)
        {
            batch.BatchCommands.Add(Command(serviceId, round));
        }

        var versions = new Dictionary<(int Round, string Key), int>();
        await using (var reader = await batch.ExecuteReaderAsync())
        {
            var round = 0;
            do
            {
                while (await reader.ReadAsync())
                {
                    versions[(round, reader.GetString(0))] = reader.GetInt32(1);
                }

                round++;
            }
            while (await reader.NextResultAsync());
        }

        var results = new int?[writes.Count];
        for (var r = 0; r < rounds.Count; r++)
        {
            foreach (var (write, index) in rounds[r])
            {
                results[index] = versions.TryGetValue((r, write.Key), out var version) ? version : null;
            }
        }

        return results;
    }

    /// <summary>The writes split so that no key appears twice in one statement, in the order they came.</summary>
    private static List<List<(InventoryWrite Write, int Index)>> Rounds(IReadOnlyList<InventoryWrite> writes)
    {
        var rounds = new List<List<(InventoryWrite, int)>>();
        var roundOfKey = new Dictionary<string, int>(writes.Count, StringComparer.Ordinal);
        for (var i = 0; i < writes.Count; i++)
        {
            var round = roundOfKey.TryGetValue(writes[i].Key, out var last) ? last + 1 : 0;
            roundOfKey[writes[i].Key] = round;
            if (round == rounds.Count)
            {
                rounds.Add([]);
            }

            rounds[round].Add((writes[i], i));
        }

        return rounds;
    }

    private static NpgsqlBatchCommand Command(string serviceId, List<(InventoryWrite Write, int Index)> writes)
    {
        var count = writes.Count;
        var keys = new string[count];
        var versions = new int[count];
        var headers = new byte[count][];
        var expiries = new DateTime?[count];
        var snapshots = new byte[]?[count];
        var reservationKeys = new List<string>();
        var reservationIds = new List<string>();
        var reservationPayloads = new List<byte[]>();
        var removedKeys = new List<string>();
        var removedIds = new List<string>();
        var journal = new JournalRows();
        for (var i = 0; i < count; i++)
        {
            var write = writes[i].Write;
            keys[i] = write.Key;
            versions[i] = (write.Expected ?? 0) + 1;
            headers[i] = write.Header;
            expiries[i] = write.NextExpiry;
            snapshots[i] = write.Snapshot;
            foreach (var (id, payload) in write.ChangedReservations)
            {
                reservationKeys.Add(write.Key);
                reservationIds.Add(id);
                reservationPayloads.Add(payload);
            }

            foreach (var removed in write.RemovedReservations)
            {
                removedKeys.Add(write.Key);
                removedIds.Add(removed);
            }

            journal.Add(write.Key, write.Journal);
        }

        var command = new NpgsqlBatchCommand(Sql);
        var parameters = command.Parameters;
        parameters.Add(new NpgsqlParameter<string>("service", serviceId));
        parameters.Add(new NpgsqlParameter<string[]>("keys", keys));
        parameters.Add(new NpgsqlParameter<int[]>("versions", versions));
        parameters.Add(new NpgsqlParameter<byte[][]>("headers", headers));
        parameters.Add(new NpgsqlParameter("expiries", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = expiries });
        parameters.Add(new NpgsqlParameter("snapshots", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = snapshots });
        parameters.Add(new NpgsqlParameter<string[]>("reservationKeys", [.. reservationKeys]));
        parameters.Add(new NpgsqlParameter<string[]>("reservationIds", [.. reservationIds]));
        parameters.Add(new NpgsqlParameter<byte[][]>("reservationPayloads", [.. reservationPayloads]));
        parameters.Add(new NpgsqlParameter<string[]>("removedKeys", [.. removedKeys]));
        parameters.Add(new NpgsqlParameter<string[]>("removedIds", [.. removedIds]));
        journal.AddTo(parameters);
        return command;
    }

    /// <summary>The journal entries recorded by a batch's writes, and what each of those writes forgets.</summary>
    private sealed class JournalRows
    {
        private readonly List<string> _keys = [];
        private readonly List<short> _kinds = [];
        private readonly List<long> _sequences = [];
        private readonly List<byte[]> _payloads = [];
        private readonly List<string> _forgetKeys = [];
        private readonly List<short> _forgetKinds = [];
        private readonly List<long> _forgetBelow = [];

        public void Add(string key, JournalEntries journal)
        {
            foreach (var (kind, sequence, payload) in journal.Entries)
            {
                _keys.Add(key);
                _kinds.Add(kind);
                _sequences.Add(sequence);
                _payloads.Add(payload);
            }

            foreach (var (kind, below) in journal.Forget)
            {
                _forgetKeys.Add(key);
                _forgetKinds.Add(kind);
                _forgetBelow.Add(below);
            }
        }

        public void AddTo(NpgsqlParameterCollection parameters)
        {
            parameters.Add(new NpgsqlParameter<string[]>("journalKeys", [.. _keys]));
            parameters.Add(new NpgsqlParameter<short[]>("journalKinds", [.. _kinds]));
            parameters.Add(new NpgsqlParameter<long[]>("journalSequences", [.. _sequences]));
            parameters.Add(new NpgsqlParameter<byte[][]>("journalPayloads", [.. _payloads]));
            parameters.Add(new NpgsqlParameter<string[]>("forgetKeys", [.. _forgetKeys]));
            parameters.Add(new NpgsqlParameter<short[]>("forgetKinds", [.. _forgetKinds]));
            parameters.Add(new NpgsqlParameter<long[]>("forgetBelow", [.. _forgetBelow]));
        }

    }

    /// <summary>
    /// The journal entries one write records, and the numbers below which it forgets each kind. A write that recorded
    /// nothing forgets nothing either (most writes of a reservation did not); nor does one while the window has let
    /// nothing go (numbering starts at 1).
    /// </summary>
    internal sealed record JournalEntries(IReadOnlyList<(short Kind, long Sequence, byte[] Payload)> Entries, IReadOnlyList<(short Kind, long Below)> Forget)
    {
        private static readonly JournalEntries None = new([], []);

        public static JournalEntries Of(InventoryJournal journal)
        {
            if (journal.IsEmpty)
            {
                return None;
            }

            var entries = new List<(short, long, byte[])>(journal.NewEventKeys.Count + journal.NewMovements.Count);
            for (var k = 0; k < journal.NewEventKeys.Count; k++)
            {
                entries.Add((EventKeyEntry, journal.FirstNewEventKey + k, Encoding.UTF8.GetBytes(journal.NewEventKeys[k])));
            }

            for (var m = 0; m < journal.NewMovements.Count; m++)
            {
                entries.Add((MovementEntry, journal.FirstNewMovement + m, InventoryStateSerializer.Serialize(journal.NewMovements[m])));
            }

            var forget = new List<(short, long)>(2);
            if (journal.OldestEventKeyKept > 1)
            {
                forget.Add((EventKeyEntry, journal.OldestEventKeyKept));
            }

            if (journal.OldestMovementKept > 1)
            {
                forget.Add((MovementEntry, journal.OldestMovementKept));
            }

            return new JournalEntries(entries, forget);
        }
    }
}
