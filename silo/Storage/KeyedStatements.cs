using Npgsql;

namespace Grid.Silo.Storage;

/// <summary>
/// The statements of Grid's own grain storages, which all address one grain's rows by <c>@service</c> and <c>@key</c>:
/// one statement, or a script of several (split on <c>;</c>) sent as one batch.
/// </summary>
internal static class KeyedStatements
{
    public static NpgsqlBatchCommand Command(string sql, string serviceId, string key)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string>("service", serviceId));
        command.Parameters.Add(new NpgsqlParameter<string>("key", key));
        return command;
    }

    /// <summary>Every statement of <paramref name="script"/> for one grain, in one batch (one round trip, one transaction).</summary>
    public static NpgsqlBatch Batch(NpgsqlDataSource dataSource, string script, string serviceId, string key)
    {
        var batch = dataSource.CreateBatch();
        foreach (var sql in script.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            batch.BatchCommands.Add(Command(sql, serviceId, key));
        }

        return batch;
    }
}
