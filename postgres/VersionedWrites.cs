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
    public static async Task<IReadOnlyList<int?>> ExecuteAsync(NpgsqlDataSource dataSource, IReadOnlyList<NpgsqlBatchCommand> writes)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
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
}
