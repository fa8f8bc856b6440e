using Npgsql;

namespace Grid.Postgres;

/// <summary>The round trip behind Grid's batched state writes: many version-checked writes in one statement batch.</summary>
public static class VersionedWrites
{
    /// <summary>
    /// Runs <paramref name="writes"/> in one batch, which PostgreSQL runs as one implicit transaction: if a statement
    /// fails none of them is stored. Each write answers its new version, or null when it matched no row (a stale
    /// version, which is that write's refusal rather than a failure of the batch).
    /// </summary>
    /// <remarks>
    /// When the batch fails, the failure is what the callers get: closing a connection that the failure left in the
    /// middle of a command throws too, and must neither hide the cause nor return that connection to the pool.
    /// </remarks>
    public static Task<IReadOnlyList<int?>> ExecuteAsync(NpgsqlDataSource dataSource, IReadOnlyList<NpgsqlBatchCommand> writes)
        => OnConnectionAsync(dataSource, connection => RunAsync(connection, writes));

    /// <summary>
    /// Runs <paramref name="work"/> on a pooled connection. When it fails, the failure is what the caller gets, and a
    /// connection it left in the middle of a command is broken off rather than pooled.
    /// </summary>
    public static async Task<T> OnConnectionAsync<T>(NpgsqlDataSource dataSource, Func<NpgsqlConnection, Task<T>> work)
    {
        var connection = await dataSource.OpenConnectionAsync();
        T result;
        try
        {
            result = await work(connection);
        }
        catch (Exception)
        {
            await DiscardAsync(connection);
            throw;
        }

        await connection.DisposeAsync();
        return result;
    }

    private static async Task<IReadOnlyList<int?>> RunAsync(NpgsqlConnection connection, IReadOnlyList<NpgsqlBatchCommand> writes)
    {
        await using var batch = new NpgsqlBatch(connection);
        foreach (var write in writes)
        {
            batch.BatchCommands.Add(write);
        }

        var versions = new int?[writes.Count];
        await using var reader = await batch.ExecuteReaderAsync();
        var index = 0;
        do
        {
            versions[index++] = await reader.ReadAsync() ? reader.GetInt32(0) : null;
        }
        while (await reader.NextResultAsync());

        return versions;
    }

    /// <summary>Closes a connection after a failure; one left mid-command is broken off rather than pooled.</summary>
    private static async Task DiscardAsync(NpgsqlConnection connection)
    {
        try
        {
            await connection.DisposeAsync();
        }
        catch (NpgsqlOperationInProgressException)
        {
            NpgsqlConnection.ClearPool(connection);
        }
    }
}
