using Npgsql;
using NpgsqlTypes;

namespace Grid.LoadTests.Baseline;

/// <summary>A stock row as the database holds it.</summary>
internal readonly record struct StockRow(string Sku, string Location, long OnHand, long Reserved);

/// <summary>One receipt to apply, already validated.</summary>
internal readonly record struct Receipt(string Source, string EventId, string Sku, string Location, long Quantity);

/// <summary>A reservation to make, already validated.</summary>
internal sealed record ReserveCommand(string ReservationId, string Sku, string Location, long Quantity, string Channel, string? OrderId, TimeSpan Ttl);

internal enum ReserveStatus
{
    /// <summary>Stock was held and the reservation row inserted, in one committed transaction.</summary>
    Granted,

    /// <summary>The reservation id was already there for the same request: the same answer again.</summary>
    Replayed,

    /// <summary>Not enough available; nothing changed.</summary>
    Refused,

    /// <summary>The reservation id is taken by a different request.</summary>
    IdConflict,
}

internal sealed record ReserveOutcome(ReserveStatus Status, ReservationAnswer? Reservation, long Available);

/// <summary>
/// What a classical ERP or commerce platform does, in PostgreSQL: one transaction per reservation that locks the stock
/// row with a conditional UPDATE and inserts the reservation; ATP by SELECT; receipts as an upsert of on_hand, deduplicated
/// by (source, event id) in the same statement. Pooled connections (one <see cref="NpgsqlDataSource"/>) and prepared
/// statements (Npgsql's automatic preparation, see <see cref="BaselineService"/>). SQL uses positional parameters, so
/// Npgsql sends it as written.
/// </summary>
internal sealed class BaselineStore(NpgsqlDataSource db, BaselineOutbox outbox)
{
    public const string SchemaSql = """
        CREATE TABLE IF NOT EXISTS stock (
            sku text NOT NULL,
            location text NOT NULL,
            on_hand bigint NOT NULL DEFAULT 0,
            reserved bigint NOT NULL DEFAULT 0,
            PRIMARY KEY (sku, location));
        CREATE TABLE IF NOT EXISTS reservation (
            reservation_id text PRIMARY KEY,
            sku text NOT NULL,
            location text NOT NULL,
            quantity bigint NOT NULL,
            channel text NOT NULL,
            order_id text NULL,
            created_at timestamptz NOT NULL,
            expires_at timestamptz NOT NULL);
        CREATE TABLE IF NOT EXISTS processed_event (
            source text NOT NULL,
            event_id text NOT NULL,
            PRIMARY KEY (source, event_id));
        CREATE TABLE IF NOT EXISTS outbox (
            id bigserial PRIMARY KEY,
            subject text NOT NULL,
            occurred_at timestamptz NOT NULL,
            data text NOT NULL);
        """;

    // The row lock: only one transaction at a time gets past this on a given SKU-location until it commits.
    private const string HoldSql =
        "UPDATE stock SET reserved = reserved + $1 WHERE sku = $2 AND location = $3 AND on_hand - reserved >= $1 RETURNING on_hand - reserved";

    private const string InsertReservationSql =
        "INSERT INTO reservation (reservation_id, sku, location, quantity, channel, order_id, created_at, expires_at) " +
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (reservation_id) DO NOTHING";

    // After a refusal or an id conflict: the reservation already under that id (if any) and what is available now.
    private const string ReplaySql = """
        SELECT r.sku, r.location, r.quantity, r.channel, r.order_id, r.created_at, r.expires_at,
               (SELECT s.on_hand - s.reserved FROM stock s WHERE s.sku = $2 AND s.location = $3)
        FROM (VALUES (1)) AS one (x) LEFT JOIN reservation r ON r.reservation_id = $1
        """;

    private const string AtpSql = "SELECT location, on_hand, reserved FROM stock WHERE sku = $1 ORDER BY location";

    private const string AtpBatchSql = "SELECT sku, location, on_hand, reserved FROM stock WHERE sku = ANY($1) ORDER BY sku, location";

    // Receipts: the events not seen before (deduplicated within the request too) add to on_hand, all in one statement,
    // so the dedup record and the stock change commit together. Rows are upserted in key order so that concurrent
    // batches lock stock rows in the same order.
    private const string ReceiptsSql = """
        WITH input AS (
            SELECT DISTINCT ON (source, event_id) source, event_id, sku, location, quantity
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]) AS e (source, event_id, sku, location, quantity)
            ORDER BY source, event_id),
        fresh AS (
            INSERT INTO processed_event (source, event_id)
            SELECT source, event_id FROM input
            ON CONFLICT DO NOTHING
            RETURNING source, event_id)
        INSERT INTO stock AS s (sku, location, on_hand, reserved)
        SELECT i.sku, i.location, sum(i.quantity), 0
        FROM input i JOIN fresh f ON f.source = i.source AND f.event_id = i.event_id
        GROUP BY i.sku, i.location
        ORDER BY i.sku, i.location
        ON CONFLICT (sku, location) DO UPDATE SET on_hand = s.on_hand + excluded.on_hand
        RETURNING s.sku, s.location, s.on_hand, s.reserved
        """;

    // The same, with the availability of every stock row it changed written to the outbox in the same statement.
    private static readonly string ReceiptsWithOutboxSql = ReceiptsSql
        .Replace("INSERT INTO stock AS s", ",\nchanged AS (\nINSERT INTO stock AS s", StringComparison.Ordinal)
        .Replace("RETURNING s.sku, s.location, s.on_hand, s.reserved", """
            RETURNING s.sku, s.location, s.on_hand, s.reserved),
            queued AS (
                INSERT INTO outbox (subject, occurred_at, data)
                SELECT 'inventory/' || c.sku || '@' || c.location, now(),
                       json_build_object('sku', c.sku, 'location', c.location, 'available', greatest(c.on_hand - c.reserved, 0),
                                         'onHand', c.on_hand, 'reserved', c.reserved)::text
                FROM changed AS c)
            SELECT sku, location, on_hand, reserved FROM changed
            """, StringComparison.Ordinal);

    private const string QueueAvailabilitySql = "INSERT INTO outbox (subject, occurred_at, data) VALUES ($1, $2, $3)";

    private const int MaxAttempts = 5;

    public async Task CreateSchemaAsync(CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(SchemaSql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var command = db.CreateCommand("SELECT 1");
            return await command.ExecuteScalarAsync(cancellationToken) is 1;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<StockRow>> GetStockAsync(string sku, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(AtpSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = sku });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<StockRow>(1);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new StockRow(sku, reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        }

        return rows;
    }

    /// <summary>The stock rows of every SKU asked for, in one query.</summary>
    public async Task<ILookup<string, StockRow>> GetStockAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(AtpBatchSql);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. skus.Distinct(StringComparer.Ordinal)] });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<StockRow>(skus.Count);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new StockRow(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3)));
        }

        return rows.ToLookup(r => r.Sku, StringComparer.Ordinal);
    }

    /// <summary>
    /// One transaction: hold the quantity on the stock row (row lock until commit), insert the reservation, commit.
    /// A reservation id already present answers as before (replay) or as a conflict (a different request).
    /// </summary>
    public async Task<ReserveOutcome> ReserveAsync(ReserveCommand c, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryReserveAsync(c, cancellationToken);
            }
            catch (PostgresException ex) when (ex.IsTransient && attempt < MaxAttempts)
            {
                // Deadlock or serialization failure: the transaction was rolled back; try again.
            }
        }
    }

    /// <summary>Applies receipts once each; returns the stock rows they changed, after the change.</summary>
    public async Task<IReadOnlyList<StockRow>> ApplyReceiptsAsync(IReadOnlyList<Receipt> receipts, CancellationToken cancellationToken)
    {
        if (receipts.Count == 0)
        {
            return [];
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var command = db.CreateCommand(outbox.Enabled ? ReceiptsWithOutboxSql : ReceiptsSql);
                command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. receipts.Select(r => r.Source)] });
                command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. receipts.Select(r => r.EventId)] });
                command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. receipts.Select(r => r.Sku)] });
                command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. receipts.Select(r => r.Location)] });
                command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. receipts.Select(r => r.Quantity)] });
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                var rows = new List<StockRow>();
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows.Add(new StockRow(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3)));
                }

                return rows;
            }
            catch (PostgresException ex) when (ex.IsTransient && attempt < MaxAttempts)
            {
                // Deadlock between concurrent batches carrying the same event ids: rolled back; try again.
            }
        }
    }

    private async Task<ReserveOutcome> TryReserveAsync(ReserveCommand c, CancellationToken cancellationToken)
    {
        // PostgreSQL keeps microseconds: truncate now, so that a replay answers exactly what the first call did.
        var now = DateTimeOffset.UtcNow;
        var createdAt = now.AddTicks(-(now.Ticks % 10));
        var expiresAt = createdAt + c.Ttl;

        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            object? left;
            await using (var hold = new NpgsqlCommand(HoldSql, connection, transaction))
            {
                hold.Parameters.Add(new NpgsqlParameter<long> { TypedValue = c.Quantity });
                hold.Parameters.Add(new NpgsqlParameter<string> { TypedValue = c.Sku });
                hold.Parameters.Add(new NpgsqlParameter<string> { TypedValue = c.Location });
                left = await hold.ExecuteScalarAsync(cancellationToken);
            }

            if (left is long available)
            {
                int inserted;
                await using (var batch = new NpgsqlBatch(connection, transaction))
                {
                    var insert = new NpgsqlBatchCommand(InsertReservationSql);
                    insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = c.ReservationId });
                    insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = c.Sku });
                    insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = c.Location });
                    insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = c.Quantity });
                    insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = c.Channel });
                    insert.Parameters.Add(new NpgsqlParameter { Value = (object?)c.OrderId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
                    insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = createdAt });
                    insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = expiresAt });
                    batch.BatchCommands.Add(insert);
                    if (outbox.Enabled)
                    {
                        // The transactional outbox of a row-lock design: the availability after the hold, in the same transaction.
                        var queue = new NpgsqlBatchCommand(QueueAvailabilitySql);
                        queue.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"inventory/{c.Sku}@{c.Location}" });
                        queue.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = createdAt });
                        queue.Parameters.Add(new NpgsqlParameter<string> { TypedValue = BaselineOutbox.AvailabilityData(c.Sku, c.Location, available) });
                        batch.BatchCommands.Add(queue);
                    }

                    await batch.ExecuteNonQueryAsync(cancellationToken);
                    inserted = batch.BatchCommands[0].RecordsAffected;
                }

                if (inserted == 1)
                {
                    await transaction.CommitAsync(cancellationToken);
                    var granted = new ReservationAnswer(c.ReservationId, c.Sku, c.Location, "active", c.Quantity, c.Quantity, c.Channel, c.OrderId, createdAt, expiresAt, null);
                    return new ReserveOutcome(ReserveStatus.Granted, granted, available);
                }
            }

            // Refused, or the id exists: undo the hold (if any) before looking at what is there.
            await transaction.RollbackAsync(cancellationToken);
        }

        return await ReplayOrRefuseAsync(connection, c, cancellationToken);
    }

    private static async Task<ReserveOutcome> ReplayOrRefuseAsync(NpgsqlConnection connection, ReserveCommand c, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(ReplaySql, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = c.ReservationId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = c.Sku });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = c.Location });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var available = reader.IsDBNull(7) ? 0 : Math.Max(0, reader.GetInt64(7));
        if (reader.IsDBNull(0))
        {
            return new ReserveOutcome(ReserveStatus.Refused, null, available);
        }

        var existing = new ReservationAnswer(
            c.ReservationId,
            reader.GetString(0),
            reader.GetString(1),
            "active",
            reader.GetInt64(2),
            reader.GetInt64(2),
            reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            reader.GetFieldValue<DateTimeOffset>(5),
            reader.GetFieldValue<DateTimeOffset>(6),
            null);
        if (existing.ExpiresAt <= DateTimeOffset.UtcNow)
        {
            existing = existing with { Status = "expired", ClosedAt = existing.ExpiresAt };
        }

        var same = existing.Sku == c.Sku && existing.Location == c.Location && existing.Quantity == c.Quantity && existing.Channel == c.Channel;
        return new ReserveOutcome(same ? ReserveStatus.Replayed : ReserveStatus.IdConflict, existing, available);
    }
}
