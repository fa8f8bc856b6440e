using Grid.LoadTests.Cli;
using Npgsql;

namespace Grid.LoadTests.Compare;

/// <summary>
/// The PostgreSQL server a comparison runs on: the one <c>--connection</c> names, or the private server that
/// <c>scripts/postgres.sh</c> starts (as the tests do); and the fresh databases made for one run and dropped after it.
/// </summary>
internal static class BenchPostgres
{
    private const string EnsureScript = "source scripts/postgres.sh && ensure_postgres >&2 && printf %s \"$GRID_TEST_POSTGRES\"";

    /// <summary>Starts (or finds running) the repository's private PostgreSQL and returns its connection string.</summary>
    public static async Task<string> EnsurePrivateServerAsync(string repositoryRoot, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await ChildProcess.RunToEndAsync(
            "scripts/postgres.sh", "bash", ["-c", EnsureScript], repositoryRoot, inheritStderr: true, cancellationToken);
        var connectionString = output.Trim();
        if (exitCode != 0 || connectionString.Length == 0)
        {
            throw new RunFailedException(
                $"PostgreSQL: 'source scripts/postgres.sh && ensure_postgres' in {repositoryRoot} failed (exit code {exitCode}); see its messages above, or pass --connection.");
        }

        return connectionString;
    }

    /// <summary>
    /// The process id of the server's postmaster when the server runs on this machine (the parent of this connection's
    /// backend, and named postgres), so that its CPU can be read; null otherwise.
    /// </summary>
    public static async Task<int?> LocalPostmasterAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var backend = connection.ProcessID;
        var postmaster = ProcessCpu.ParentOf(backend);
        return postmaster is { } pid && IsPostgres(backend) && IsPostgres(pid) ? pid : null;
    }

    private static bool IsPostgres(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid.ToString(System.Globalization.CultureInfo.InvariantCulture)}/comm").Trim().StartsWith("postgres", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The server's version, for the report; fails clearly when the server cannot be reached.</summary>
    public static async Task<string> ServerVersionAsync(string serverConnectionString, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(serverConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SHOW server_version", connection);
            var version = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
            return version.Split(' ', 2)[0];
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or ArgumentException)
        {
            throw new RunFailedException($"PostgreSQL: cannot connect to {Describe(serverConnectionString)}: {ex.Message}", ex);
        }
    }

    public static string Describe(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return $"Host={b.Host};Port={b.Port};Database={b.Database};Username={b.Username}";
    }
}

/// <summary>Databases created for one run on one server; dropped (WITH FORCE) when disposed.</summary>
internal sealed class BenchDatabases : IAsyncDisposable
{
    private readonly string _server;
    private readonly List<string> _created = [];

    private BenchDatabases(string server)
    {
        _server = server;
    }

    public static async Task<BenchDatabases> CreateAsync(string server, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var databases = new BenchDatabases(server);
        try
        {
            foreach (var name in names)
            {
                await databases.ExecuteAsync($"CREATE DATABASE {name}", cancellationToken);
                databases._created.Add(name);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            await databases.DisposeAsync();
            throw new RunFailedException($"PostgreSQL: cannot create the run's databases on {BenchPostgres.Describe(server)}: {ex.Message}", ex);
        }
        catch
        {
            await databases.DisposeAsync();
            throw;
        }

        return databases;
    }

    /// <summary>The server's connection string pointed at database <paramref name="name"/>.</summary>
    public string ConnectionString(string name) => new NpgsqlConnectionStringBuilder(_server) { Database = name }.ConnectionString;

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        foreach (var name in _created)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                await ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", timeout.Token);
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or OperationCanceledException)
            {
                await Console.Error.WriteLineAsync($"warning: could not drop database {name}: {ex.Message}");
            }
        }

        _created.Clear();
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
