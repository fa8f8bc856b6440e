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
    private const string DrawnSql = "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM grid_availability_feed_position";

    private const string AssignSql = "SELECT pg_current_xact_id()::text::bigint";

    private const string EndedSql = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint > @assigned";

    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(2);

    /// <summary>The last position drawn: a cursor above it is from another (older) life of the database.</summary>
    public async Task<long> DrawnAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(DrawnSql);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<long> SafeAsync(CancellationToken cancellationToken)
    {
        long drawn;
        long assigned;
        await using (var batch = dataSource.CreateBatch())
        {
            // In this order, in one implicit transaction: the id is assigned after the sequence is read, and the
            // transaction has ended (so it no longer holds the oldest running id back) once the batch is answered.
            batch.BatchCommands.Add(new NpgsqlBatchCommand(DrawnSql));
            batch.BatchCommands.Add(new NpgsqlBatchCommand(AssignSql));
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            drawn = reader.GetInt64(0);
            await reader.NextResultAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            assigned = reader.GetInt64(0);
        }

        await using var ended = dataSource.CreateCommand(EndedSql);
        ended.Parameters.Add(new NpgsqlParameter<long>("assigned", assigned));
        while (!(bool)(await ended.ExecuteScalarAsync(cancellationToken))!)
        {
            await Task.Delay(Pause, clock, cancellationToken);
        }

        return drawn;
    }
}
