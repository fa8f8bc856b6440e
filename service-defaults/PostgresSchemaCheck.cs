using Npgsql;

namespace Grid.Hosting;

/// <summary>
/// Checks, before Orleans starts, that PostgreSQL answers and holds the schema this build needs, so that a wrong
/// setting stops the process with a sentence saying what to do rather than with a provider's stack trace.
/// </summary>
public static class PostgresSchemaCheck
{
    public const string MigrateHint = "Apply it with: dotnet run --project silo -- migrate --ConnectionStrings:Grid=\"<connection string>\" (or start a silo with --Grid:MigrateOnStart=true).";

    /// <summary>The installed schema version; 0 when none is installed. Throws when the server cannot be reached.</summary>
    public static async Task<int> ReadVersionAsync(string connectionString, CancellationToken cancellationToken)
    {
        var target = Describe(connectionString);
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var exists = new NpgsqlCommand("SELECT to_regclass(@table) IS NOT NULL", connection);
            exists.Parameters.AddWithValue("table", GridSchema.MigrationsTable);
            if (await exists.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return 0;
            }

            await using var version = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {GridSchema.MigrationsTable}", connection);
            return Convert.ToInt32(await version.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException or ArgumentException)
        {
            throw new GridStartupException($"Cannot reach PostgreSQL at {target} (ConnectionStrings:Grid): {ex.Message}", ex);
        }
    }

    /// <summary>Throws, naming the problem and the fix, unless the schema is exactly the version this build needs.</summary>
    public static async Task EnsureCurrentAsync(string connectionString, CancellationToken cancellationToken)
    {
        var installed = await ReadVersionAsync(connectionString, cancellationToken);
        var target = Describe(connectionString);
        if (installed == 0)
        {
            throw new GridStartupException($"The Grid schema is not installed in {target}. {MigrateHint}");
        }

        if (installed < GridSchema.Version)
        {
            throw new GridStartupException($"The Grid schema in {target} is at version {installed}; this build needs version {GridSchema.Version}. {MigrateHint}");
        }

        if (installed > GridSchema.Version)
        {
            throw new GridStartupException($"The Grid schema in {target} is at version {installed}, newer than this build knows ({GridSchema.Version}); run a newer build of Grid.");
        }
    }

    /// <summary>Host, port and database of a connection string, never its password.</summary>
    public static string Describe(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return $"{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}";
        }
        catch (ArgumentException)
        {
            return "(an unreadable connection string)";
        }
    }
}
