using Npgsql;

namespace Grid.Gateway.Feed;

/// <summary>
/// The highest feed position below which no change can still appear. Positions are drawn from a sequence before
/// their transaction commits, so a reader that passed a committed position while a lower one was still in flight
/// would never see the lower one. This finds a safe horizon instead: it reads the last position drawn (L), then has
/// PostgreSQL assign a transaction id (N) to its own statement. Every transaction that drew a position at or below L
/// held an id before it drew it (the inventory storage draws it after its write), so its id is below N. Once the
/// oldest transaction still running is at or above N, everything at or below L is committed or never will be.
/// </summary>
/// <remarks>
/// A snapshot's list of running transactions is not enough for this: it leaves out those with an id at or above the
/// snapshot's <c>xmax</c> (one past the newest <em>finished</em> id), which are running too. A long transaction that
/// holds an id (a migration, a bulk load) holds the horizon back until it ends.
/// </remarks>
internal sealed class PostgresFeedHorizon(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public const string DrawnSql = "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM grid_availability_feed_position";

    public const string AssignSql = "SELECT pg_current_xact_id()::text::bigint";

    /// <summary>
    /// An id assigned only when every transaction below <c>@assigned</c> has ended, else null: an id makes the batch's
    /// transaction write a commit record PostgreSQL flushes, which a step that is not settled has no use for.
    /// </summary>
    public const string AssignWhenEndedSql = """
        SELECT CASE WHEN pg_snapshot_xmin(pg_current_snapshot())::text::bigint > @assigned
               THEN pg_current_xact_id()::text::bigint END
        """;

    /// <summary>True once every transaction that held an id below <c>@assigned</c> has ended.</summary>
    public const string EndedSql = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint > @assigned";

    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(2);

    /// <summary>The last position drawn: a cursor above it is from another (older) life of the database.</summary>
    public async Task<long> DrawnAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(DrawnSql);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<long> SafeAsync(CancellationToken cancellationToken)
    {
        FeedMark mark;
        await using (var batch = dataSource.CreateBatch())
        {
            AddMark(batch);
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            mark = (await ReadMarkAsync(reader, cancellationToken))!.Value;
        }

        await using var ended = dataSource.CreateCommand(EndedSql);
        ended.Parameters.Add(new NpgsqlParameter<long>("assigned", mark.Assigned));
        while (!(bool)(await ended.ExecuteScalarAsync(cancellationToken))!)
        {
            await Task.Delay(Pause, clock, cancellationToken);
        }

        return mark.Drawn;
    }

    /// <summary>
    /// Adds the two statements that take a mark to <paramref name="batch"/>, last: in this order, in the batch's one
    /// implicit transaction, the id is assigned after the sequence is read, and the transaction has ended (so it no
    /// longer holds the oldest running id back) once the batch is answered. With <paramref name="unless"/>, only once
    /// that pending mark has settled (a new mark is of no use before).
    /// </summary>
    public static void AddMark(NpgsqlBatch batch, FeedMark? unless = null)
    {
        batch.BatchCommands.Add(new NpgsqlBatchCommand(DrawnSql));
        if (unless is { } pending)
        {
            var assign = new NpgsqlBatchCommand(AssignWhenEndedSql);
            assign.Parameters.Add(new NpgsqlParameter<long>("assigned", pending.Assigned));
            batch.BatchCommands.Add(assign);
        }
        else
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(AssignSql));
        }
    }

    /// <summary>
    /// Reads the mark the statements of <see cref="AddMark"/> answered (the reader stands on the first of them); none
    /// when it was taken only once <c>unless</c> settled, and it had not.
    /// </summary>
    public static async Task<FeedMark?> ReadMarkAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        await reader.ReadAsync(cancellationToken);
        var drawn = reader.GetInt64(0);
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.IsDBNull(0) ? null : new FeedMark(drawn, reader.GetInt64(0));
    }
}

/// <summary>
/// The last feed position drawn and a transaction id assigned after it: every position up to <see cref="Drawn"/> is
/// settled once the oldest running transaction is past <see cref="Assigned"/>.
/// </summary>
internal readonly record struct FeedMark(long Drawn, long Assigned);
