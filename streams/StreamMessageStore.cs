using System.Globalization;
using Npgsql;

namespace Grid.Streams;

/// <summary>A message as read back from its queue.</summary>
internal sealed record StoredMessage(
    long TransactionId,
    long MessageId,
    string StreamNamespace,
    string StreamKey,
    byte[] Payload,
    int DeliveryAttempts,
    DateTimeOffset EnqueuedAt);

/// <summary>What one read of a queue found: the messages ready, and whether more are held back behind a running transaction.</summary>
internal sealed record QueueRead(List<StoredMessage> Messages, bool HeldBack);

/// <summary>A message going into its queue.</summary>
internal sealed record OutgoingMessage(int QueueId, string StreamNamespace, string StreamKey, byte[] Payload);

/// <summary>
/// The SQL of the PostgreSQL stream queues (tables of schema 7). Every statement is scoped to one service and one
/// provider name, so several clusters and providers can share a database.
/// </summary>
/// <remarks>
/// Commit order and id order differ between concurrent transactions, so a reader that simply remembered the highest
/// message id it had seen would skip a row whose transaction committed after a later one. A receiver therefore reads
/// only rows whose transaction is older than the oldest one still running (<c>pg_snapshot_xmin</c>): those rows are
/// final, no new row can ever sort before them, and reading in (transaction, message) order with a cursor loses nothing.
/// The price: one long-running transaction anywhere on the server holds delivery back until it ends.
/// </remarks>
internal sealed class StreamMessageStore(NpgsqlDataSource db, string serviceId, string provider)
{
    private const string Scope = "service_id = @service AND provider = @provider";

    // The messages at @transactions/@messages of @queue, each looked up by its whole key. Joined as a set, the planner
    // (with the statistics of a young table) may walk the whole queue once per message named: a cost that grows with
    // the backlog, so a queue that falls behind falls further behind.
    private const string ChosenMessages = $$"""
        ctid = ANY (ARRAY(
            SELECT found.ctid FROM unnest(@transactions, @messages) AS p(transaction_id, message_id)
            CROSS JOIN LATERAL (
                SELECT m.ctid FROM grid_stream_message AS m
                WHERE m.service_id = @service AND m.provider = @provider AND m.queue_id = @queue
                  AND m.transaction_id = p.transaction_id AND m.message_id = p.message_id
                LIMIT 1) AS found))
        """;

    public string Provider => provider;

    public async Task EnqueueAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken = default)
    {
        // The notification of each queue written to goes out when the statement commits (QueueSignals listens).
        await using var command = db.CreateCommand(
            $"""
            WITH queued AS (
                INSERT INTO grid_stream_message (service_id, provider, queue_id, stream_namespace, stream_key, payload)
                SELECT @service, @provider, m.queue_id, m.stream_namespace, m.stream_key, m.payload
                FROM unnest(@queues, @namespaces, @keys, @payloads) WITH ORDINALITY AS m(queue_id, stream_namespace, stream_key, payload, ordinal)
                ORDER BY m.ordinal
                RETURNING queue_id)
            SELECT pg_notify('{QueueSignals.Channel}', @signal || q.queue_id)
            FROM (SELECT DISTINCT queue_id FROM queued) AS q
            """);
        AddScope(command);
        command.Parameters.Add(new NpgsqlParameter<string>("signal", QueueSignals.Payload(serviceId, provider, "")));
        command.Parameters.Add(new NpgsqlParameter<int[]>("queues", [.. messages.Select(m => m.QueueId)]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("namespaces", [.. messages.Select(m => m.StreamNamespace)]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("keys", [.. messages.Select(m => m.StreamKey)]));
        command.Parameters.Add(new NpgsqlParameter<byte[][]>("payloads", [.. messages.Select(m => m.Payload)]));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The next messages of a queue after <paramref name="afterTransaction"/>/<paramref name="afterMessage"/>, oldest
    /// first, and whether committed messages beyond them are held back behind a transaction still running (they become
    /// readable once it ends, with no notification of their own, so the queue is worth reading again soon). With
    /// <paramref name="countAsAttempt"/> each is counted as one more delivery attempt (a receiver does so for its first
    /// read only: what a new receiver finds at the head of its queue may have been in flight when the previous one
    /// stopped, while its later reads return messages nobody has seen, and stay plain reads that write nothing); such a
    /// read reports messages held back whether or not there are.
    /// </summary>
    public async Task<QueueRead> ReadAsync(
        int queueId, long afterTransaction, long afterMessage, int max, bool countAsAttempt, CancellationToken cancellationToken)
    {
        const string next = """
                SELECT transaction_id, message_id
                FROM grid_stream_message
                WHERE {0} AND queue_id = @queue
                  AND (transaction_id, message_id) > (@after_transaction, @after_message)
                  AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
                ORDER BY transaction_id, message_id
                LIMIT @max
            """;

        // One statement, so the horizon the read stops at and the one the held-back check starts from are the same.
        await using var command = db.CreateCommand(countAsAttempt
            ? $"""
                WITH next AS ({string.Format(CultureInfo.InvariantCulture, next, Scope)})
                UPDATE grid_stream_message AS m
                SET delivery_attempts = m.delivery_attempts + 1
                FROM next
                WHERE m.service_id = @service AND m.provider = @provider AND m.queue_id = @queue AND m.transaction_id = next.transaction_id AND m.message_id = next.message_id
                RETURNING m.transaction_id, m.message_id, m.stream_namespace, m.stream_key, m.payload, m.delivery_attempts, m.enqueued_at, true
                """
            : $"""
                WITH horizon AS MATERIALIZED (
                    SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin
                ), next AS (
                    SELECT m.transaction_id, m.message_id, m.stream_namespace, m.stream_key, m.payload, m.delivery_attempts, m.enqueued_at
                    FROM grid_stream_message AS m
                    WHERE {Scope} AND queue_id = @queue
                      AND (transaction_id, message_id) > (@after_transaction, @after_message)
                      AND transaction_id < (SELECT xmin FROM horizon)
                    ORDER BY transaction_id, message_id
                    LIMIT @max
                )
                SELECT n.transaction_id, n.message_id, n.stream_namespace, n.stream_key, n.payload, n.delivery_attempts, n.enqueued_at, h.held_back
                FROM (SELECT EXISTS (
                        SELECT 1 FROM grid_stream_message AS b
                        WHERE b.service_id = @service AND b.provider = @provider AND b.queue_id = @queue
                          AND (b.transaction_id, b.message_id) > (@after_transaction, @after_message)
                          AND b.transaction_id >= (SELECT xmin FROM horizon)) AS held_back) AS h
                LEFT JOIN next AS n ON true
                """);
        AddScope(command);
        command.Parameters.Add(new NpgsqlParameter<int>("queue", queueId));
        command.Parameters.Add(new NpgsqlParameter<long>("after_transaction", afterTransaction));
        command.Parameters.Add(new NpgsqlParameter<long>("after_message", afterMessage));
        command.Parameters.Add(new NpgsqlParameter<int>("max", max));

        var messages = new List<StoredMessage>();
        var heldBack = countAsAttempt;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            heldBack |= reader.GetBoolean(7);
            if (reader.IsDBNull(0))
            {
                // The plain read's one row when nothing is ready: it carries the held-back check alone.
                continue;
            }

            messages.Add(new StoredMessage(
                reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3),
                reader.GetFieldValue<byte[]>(4), reader.GetInt32(5), reader.GetFieldValue<DateTimeOffset>(6)));
        }

        // Neither RETURNING nor the join keeps the order of the rows it was given.
        messages.Sort(static (a, b) => a.TransactionId != b.TransactionId
            ? a.TransactionId.CompareTo(b.TransactionId)
            : a.MessageId.CompareTo(b.MessageId));
        return new QueueRead(messages, heldBack);
    }

    /// <summary>Deletes delivered messages: they have been processed by every consumer.</summary>
    public async Task DeleteAsync(int queueId, IReadOnlyCollection<QueuePosition> positions, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(
            $"""
            DELETE FROM grid_stream_message
            WHERE {ChosenMessages}
            """);
        AddPositions(command, queueId, positions);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Moves messages from their queue to the dead letters, in one statement.</summary>
    public async Task<int> DeadLetterAsync(int queueId, IReadOnlyCollection<QueuePosition> positions, string reason, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            $"""
            WITH moved AS (
                DELETE FROM grid_stream_message
                WHERE {ChosenMessages}
                RETURNING *)
            INSERT INTO grid_stream_dead_letter
                (service_id, provider, message_id, queue_id, transaction_id, stream_namespace, stream_key, payload, enqueued_at, delivery_attempts, reason)
            SELECT service_id, provider, message_id, queue_id, transaction_id, stream_namespace, stream_key, payload, enqueued_at, delivery_attempts, @reason
            FROM moved
            ON CONFLICT DO NOTHING
            """);
        AddPositions(command, queueId, positions);
        command.Parameters.Add(new NpgsqlParameter<string>("reason", reason));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Adds a dead letter holding <paramref name="payload"/> (part of the message at <paramref name="position"/>, which
    /// stays queued until its delivery is acknowledged); it keeps that message's queue, transaction, age and attempts.
    /// </summary>
    public async Task DeadLetterEventsAsync(
        int queueId, QueuePosition position, string streamNamespace, string streamKey, byte[] payload, string reason, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(
            """
            INSERT INTO grid_stream_dead_letter
                (service_id, provider, message_id, queue_id, transaction_id, stream_namespace, stream_key, payload, enqueued_at, delivery_attempts, reason)
            SELECT @service, @provider, nextval(pg_get_serial_sequence('grid_stream_message', 'message_id')), @queue, @transaction,
                   @namespace, @key, @payload, coalesce(m.enqueued_at, now()), coalesce(m.delivery_attempts, 0), @reason
            FROM (SELECT 1) AS one
            LEFT JOIN grid_stream_message AS m
                ON m.service_id = @service AND m.provider = @provider AND m.queue_id = @queue
               AND m.transaction_id = @transaction AND m.message_id = @message
            """);
        AddScope(command);
        command.Parameters.Add(new NpgsqlParameter<int>("queue", queueId));
        command.Parameters.Add(new NpgsqlParameter<long>("transaction", position.TransactionId));
        command.Parameters.Add(new NpgsqlParameter<long>("message", position.MessageId));
        command.Parameters.Add(new NpgsqlParameter<string>("namespace", streamNamespace));
        command.Parameters.Add(new NpgsqlParameter<string>("key", streamKey));
        command.Parameters.Add(new NpgsqlParameter<byte[]>("payload", payload));
        command.Parameters.Add(new NpgsqlParameter<string>("reason", reason));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Puts dead letters back on their queues as new messages (all of them, or those named).</summary>
    public async Task<int> ReplayDeadLettersAsync(IReadOnlyCollection<long>? messageIds, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            $"""
            WITH replayed AS (
                DELETE FROM grid_stream_dead_letter
                WHERE {Scope} AND (@all OR message_id = ANY(@ids))
                RETURNING queue_id, stream_namespace, stream_key, payload, message_id)
            INSERT INTO grid_stream_message (service_id, provider, queue_id, stream_namespace, stream_key, payload)
            SELECT @service, @provider, queue_id, stream_namespace, stream_key, payload
            FROM replayed
            ORDER BY message_id
            """);
        AddScope(command);
        command.Parameters.Add(new NpgsqlParameter<bool>("all", messageIds is null));
        command.Parameters.Add(new NpgsqlParameter<long[]>("ids", [.. messageIds ?? []]));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The oldest message still waiting in each of <paramref name="queueIds"/>: its position and how long it has waited,
    /// by PostgreSQL's clock (no clock of this process enters it); queues with nothing waiting are left out. One index
    /// probe per queue: the head of each queue in its read order.
    /// </summary>
    public async Task<Dictionary<int, QueueHead>> GetQueueHeadsAsync(IReadOnlyCollection<int> queueIds, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(
            $"""
            SELECT q.queue_id, head.transaction_id, head.message_id, extract(epoch FROM clock_timestamp() - head.enqueued_at)::float8
            FROM unnest(@queues) AS q(queue_id)
            CROSS JOIN LATERAL (
                SELECT m.transaction_id, m.message_id, m.enqueued_at FROM grid_stream_message AS m
                WHERE {Scope} AND m.queue_id = q.queue_id
                ORDER BY m.transaction_id, m.message_id
                LIMIT 1) AS head
            """);
        AddScope(command);
        command.Parameters.Add(new NpgsqlParameter<int[]>("queues", [.. queueIds]));
        var heads = new Dictionary<int, QueueHead>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            heads[reader.GetInt32(0)] = new QueueHead(
                new QueuePosition(reader.GetInt64(1), reader.GetInt64(2)), TimeSpan.FromSeconds(Math.Max(0, reader.GetDouble(3))));
        }

        return heads;
    }

    /// <summary>Messages waiting per queue; queues with none are left out.</summary>
    public async Task<Dictionary<int, long>> GetQueueDepthsAsync(CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($"SELECT queue_id, count(*) FROM grid_stream_message WHERE {Scope} GROUP BY queue_id");
        AddScope(command);
        var depths = new Dictionary<int, long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            depths[reader.GetInt32(0)] = reader.GetInt64(1);
        }

        return depths;
    }

    public async Task<StreamQueueStatistics> GetStatisticsAsync(int deadLetterSample, CancellationToken cancellationToken = default)
    {
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(Scoped(
            $"SELECT queue_id, count(*), min(enqueued_at) FROM grid_stream_message WHERE {Scope} GROUP BY queue_id ORDER BY queue_id"));
        batch.BatchCommands.Add(Scoped(
            $"SELECT count(*) FROM grid_stream_dead_letter WHERE {Scope}"));
        var sample = Scoped(
            $"""
            SELECT message_id, queue_id, stream_namespace, stream_key, enqueued_at, dead_lettered_at, delivery_attempts, reason
            FROM grid_stream_dead_letter WHERE {Scope}
            ORDER BY dead_lettered_at DESC, message_id DESC
            LIMIT @limit
            """);
        sample.Parameters.Add(new NpgsqlParameter<int>("limit", deadLetterSample));
        batch.BatchCommands.Add(sample);

        var queues = new List<QueueDepth>();
        var deadLetters = new List<DeadLetterSummary>();
        long deadLetterCount;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                queues.Add(new QueueDepth(reader.GetInt32(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2)));
            }

            await reader.NextResultAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            deadLetterCount = reader.GetInt64(0);

            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                deadLetters.Add(new DeadLetterSummary(
                    reader.GetInt64(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3),
                    reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5), reader.GetInt32(6), reader.GetString(7)));
            }
        }

        return new StreamQueueStatistics(provider, queues, deadLetterCount, deadLetters);
    }

    private NpgsqlBatchCommand Scoped(string sql)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string>("service", serviceId));
        command.Parameters.Add(new NpgsqlParameter<string>("provider", provider));
        return command;
    }

    private void AddScope(NpgsqlCommand command)
    {
        command.Parameters.Add(new NpgsqlParameter<string>("service", serviceId));
        command.Parameters.Add(new NpgsqlParameter<string>("provider", provider));
    }

    private void AddPositions(NpgsqlCommand command, int queueId, IReadOnlyCollection<QueuePosition> positions)
    {
        AddScope(command);
        command.Parameters.Add(new NpgsqlParameter<int>("queue", queueId));
        command.Parameters.Add(new NpgsqlParameter<long[]>("transactions", [.. positions.Select(p => p.TransactionId)]));
        command.Parameters.Add(new NpgsqlParameter<long[]>("messages", [.. positions.Select(p => p.MessageId)]));
    }
}
