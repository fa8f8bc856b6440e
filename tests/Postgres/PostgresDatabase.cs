using System.Security.Cryptography;
using System.Text;
using Grid.Silo.Database;
using Npgsql;

namespace Grid.Tests.Postgres;

/// <summary>
/// A fresh database on the real PostgreSQL server named by <c>GRID_TEST_POSTGRES</c> (which <c>./test.sh</c> starts
/// and sets), created for one test class instance and dropped after it, so that tests never see each other's rows.
/// </summary>
/// <remarks>
/// The schema is migrated once per test run, into a template database named after the migration set; each database
/// is then a copy of it (<c>CREATE DATABASE … TEMPLATE</c>), which takes a fraction of running every script. A template
/// left by an earlier run with the same scripts is used as it is; one left half-made is made again; templates of other
/// migration sets are dropped when nobody is copying them. <see cref="Migrate"/> = false gives an empty database, for
/// the tests of the migrator itself.
/// </remarks>
public sealed class PostgresDatabase : IAsyncLifetime
{
    public const string Variable = "GRID_TEST_POSTGRES";

    private const string TemplatePrefix = "grid_test_template_";

    // Any fixed number: the advisory lock that serialises making the template, across test runs sharing the server.
    private const long TemplateLockKey = 0x6772_6964_7470_6C;

    /// <summary>The template of this migration set: a new script, or an edited one, gives a new name.</summary>
    public static readonly string TemplateName = TemplatePrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
        string.Join('\n', SchemaMigrator.Migrations.Select(m => $"{m.Version}:{m.Checksum}")))))[..16];

    private static readonly Lock TemplateGate = new();
    private static Task? s_template;

    private readonly string _server;

    public PostgresDatabase()
    {
        _server = Environment.GetEnvironmentVariable(Variable)
            ?? throw new InvalidOperationException(
                $"{Variable} is not set. Run the tests with ./test.sh, which starts a private PostgreSQL and sets it, or point {Variable} at a server of your own.");
        Name = $"grid_test_{TestIds.Tag(32)}";
        ConnectionString = new NpgsqlConnectionStringBuilder(_server) { Database = Name }.ConnectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    /// <summary>Whether the database holds the schema (a copy of the migrated template) or is empty. Default: true.</summary>
    public bool Migrate { get; init; } = true;

    public async Task InitializeAsync()
    {
        if (!Migrate)
        {
            await ExecuteOnServerAsync($"CREATE DATABASE {Name}");
            return;
        }

        var template = Template(_server, stale: null);
        await template;
        try
        {
            await ExecuteOnServerAsync($"CREATE DATABASE {Name} TEMPLATE {TemplateName}");
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            // A run of other migrations on this server dropped the template as stale after this run made it: make it again.
            await Template(_server, stale: template);
            await ExecuteOnServerAsync($"CREATE DATABASE {Name} TEMPLATE {TemplateName}");
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

    /// <summary>The making of the template, started once per run (and again only when <paramref name="stale"/> is the one that went missing).</summary>
    private static Task Template(string server, Task? stale)
    {
        lock (TemplateGate)
        {
            if (s_template is null)
            {
                s_template = MakeTemplateAsync(server, dropOthers: true);
            }
            else if (stale is not null && s_template == stale)
            {
                s_template = MakeTemplateAsync(server, dropOthers: false);
            }

            return s_template;
        }
    }

    private static async Task MakeTemplateAsync(string server, bool dropOthers)
    {
        // Not pooled, so that closing it ends the session and with it the advisory lock, whatever happens here.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await ExecuteAsync(connection, $"SELECT pg_advisory_lock({TemplateLockKey})");

        // Complete only once marked: a template and closed to connections, which copying it requires.
        var complete = await ScalarAsync<bool?>(connection, $"SELECT datistemplate AND NOT datallowconn FROM pg_database WHERE datname = '{TemplateName}'");
        if (complete != true)
        {
            if (complete is not null)
            {
                await ExecuteAsync(connection, $"ALTER DATABASE {TemplateName} WITH IS_TEMPLATE false");
                await ExecuteAsync(connection, $"DROP DATABASE {TemplateName} WITH (FORCE)");
            }

            await ExecuteAsync(connection, $"CREATE DATABASE {TemplateName}");
            await new SchemaMigrator(new NpgsqlConnectionStringBuilder(server) { Database = TemplateName, Pooling = false }.ConnectionString).ApplyAsync();
            await ExecuteAsync(connection, $"ALTER DATABASE {TemplateName} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false");
        }

        if (dropOthers)
        {
            await DropOtherTemplatesAsync(connection);
        }
    }

    /// <summary>Drops the templates of other migration sets, unless a run is copying one right now.</summary>
    private static async Task DropOtherTemplatesAsync(NpgsqlConnection connection)
    {
        var others = new List<string>();
        await using (var command = new NpgsqlCommand($"SELECT datname FROM pg_database WHERE datname LIKE '{TemplatePrefix.Replace("_", "\\_", StringComparison.Ordinal)}%' AND datname <> '{TemplateName}'", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                others.Add(reader.GetString(0));
            }
        }

        foreach (var other in others)
        {
            await ExecuteAsync(connection, $"ALTER DATABASE {other} WITH IS_TEMPLATE false");
            try
            {
                await ExecuteAsync(connection, $"DROP DATABASE {other}");
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ObjectInUse)
            {
                await ExecuteAsync(connection, $"ALTER DATABASE {other} WITH IS_TEMPLATE true");
            }
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T?> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull or null ? default : (T)value;
    }
}
