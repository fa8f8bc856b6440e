using Npgsql;

namespace Grid.Gateway.Feed;

/// <summary>
/// The highest feed position below which no change can still appear. Positions are drawn from a sequence before
/// their transaction commits, so a reader that passed a committed position while a lower one was still in flight
/// would never see the lower one. This finds a safe horizon instead: it reads the last position drawn (L), then takes
/// a snapshot (S); every transaction that drew a position at or below L held an xid before it drew it (the inventory
/// storage draws it after its write), so it is either finished or running in S. Once every transaction running in S
/// has ended, everything at or below L is committed or never will be, and L is safe.
/// </summary>
internal sealed class PostgresFeedHorizon(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private const string DrawnSql = "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM grid_availability_feed_position";

    private const string SnapshotSql = "SELECT pg_current_snapshot()::text";

    private const string EndedSql = """
        SELECT coalesce(bool_and(pg_visible_in_snapshot(x, pg_current_snapshot())), true) FROM pg_snapshot_xip(@snapshot::pg_snapshot) AS x
        """;

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
        string snapshot;
        await using (var batch = dataSource.CreateBatch())
        {
            // Two statements, two snapshots (read committed): the snapshot is taken after the sequence is read.
            batch.BatchCommands.Add(new NpgsqlBatchCommand(DrawnSql));
            batch.BatchCommands.Add(new NpgsqlBatchCommand(SnapshotSql));
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            drawn = reader.GetInt64(0);
            await reader.NextResultAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            snapshot = reader.GetString(0);
        }

        // "xmin:xmax:xip1,xip2,...": with no transaction running, L is safe at once.
        if (snapshot.EndsWith(':'))
        {
            return drawn;
        }

        await using var ended = dataSource.CreateCommand(EndedSql);
        ended.Parameters.Add(new NpgsqlParameter<string>("snapshot", snapshot));
        while (!(bool)(await ended.ExecuteScalarAsync(cancellationToken))!)
        {
            await Task.Delay(Pause, clock, cancellationToken);
        }

        return drawn;
    }
}
