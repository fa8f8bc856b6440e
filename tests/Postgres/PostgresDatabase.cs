using Grid.Silo.Database;
using Npgsql;

namespace Grid.Tests.Postgres;

/// <summary>
/// A fresh database on the real PostgreSQL server named by <c>GRID_TEST_POSTGRES</c> (which <c>./test.sh</c> starts
/// and sets), created for one test class and dropped after it, so that test classes never see each other's rows.
/// </summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    public const string Variable = "GRID_TEST_POSTGRES";

    private readonly string _server;

    public PostgresDatabase()
    {
        _server = Environment.GetEnvironmentVariable(Variable)
            ?? throw new InvalidOperationException(
                $"{Variable} is not set. Run the tests with ./test.sh, which starts a private PostgreSQL and sets it, or point {Variable} at a server of your own.");
        Name = $"grid_test_{Guid.NewGuid():N}";
        ConnectionString = new NpgsqlConnectionStringBuilder(_server) { Database = Name }.ConnectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    /// <summary>Whether <see cref="InitializeAsync"/> applies the schema. Default: true.</summary>
    public bool Migrate { get; init; } = true;

    public async Task InitializeAsync()
    {
        await ExecuteOnServerAsync($"CREATE DATABASE {Name}");
        if (Migrate)
        {
            await new SchemaMigrator(ConnectionString).ApplyAsync();
        }
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
    }

    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull or null ? default : (T)value;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// An outage of this database alone: it takes no new connection and every open one is cut, as when its server goes
    /// down; <c>false</c> ends it. Other test classes' databases on the same server are untouched.
    /// </summary>
    public async Task SetOutageAsync(bool down)
    {
        await ExecuteOnServerAsync($"ALTER DATABASE {Name} ALLOW_CONNECTIONS {(down ? "false" : "true")}");
        if (down)
        {
            await ExecuteOnServerAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{Name}'");
        }
    }

    private async Task ExecuteOnServerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
