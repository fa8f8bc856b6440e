using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Grid.Hosting;
using Npgsql;

namespace Grid.Silo.Database;

/// <summary>One versioned schema script, embedded in the silo as <c>Database/Migrations/NNNN_name.sql</c>.</summary>
public sealed record Migration(int Version, string Name, string Sql)
{
    public string Checksum { get; } = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Sql.ReplaceLineEndings("\n"))));
}

public sealed record MigrationResult(int FromVersion, int ToVersion, IReadOnlyList<Migration> Applied);

/// <summary>
/// Applies Grid's PostgreSQL schema: the scripts not yet recorded in <c>grid_schema_migrations</c>, in order, in one
/// transaction, under an advisory lock so that silos starting together never apply a script twice. Running it again
/// applies nothing; a recorded script whose text has changed since is refused rather than silently skipped.
/// </summary>
public sealed class SchemaMigrator(string connectionString)
{
    // Any fixed number: the advisory lock that serialises migrations on one database.
    private const long MigrationLockKey = 0x6772_6964_0001;

    public static IReadOnlyList<Migration> Migrations { get; } = LoadMigrations();

    public async Task<MigrationResult> ApplyAsync(CancellationToken cancellationToken = default)
    {
        await EnsureDatabaseAsync(cancellationToken);
        var installed = await PostgresSchemaCheck.ReadVersionAsync(connectionString, cancellationToken);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({MigrationLockKey})", cancellationToken);
        await ExecuteAsync(connection, $"""
            CREATE TABLE IF NOT EXISTS {GridSchema.MigrationsTable}
            (
                version    integer     NOT NULL PRIMARY KEY,
                name       text        NOT NULL,
                checksum   text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, cancellationToken);

        var recorded = new Dictionary<int, string>();
        await using (var read = new NpgsqlCommand($"SELECT version, checksum FROM {GridSchema.MigrationsTable}", connection))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                recorded[reader.GetInt32(0)] = reader.GetString(1);
            }
        }

        var applied = new List<Migration>();
        foreach (var migration in Migrations)
        {
            if (recorded.TryGetValue(migration.Version, out var checksum))
            {
                if (checksum != migration.Checksum)
                {
                    throw new GridStartupException(
                        $"Schema script {migration.Version} ({migration.Name}) differs from the one applied to this database; scripts are never edited once released, add a new one.");
                }

                continue;
            }

            await ExecuteAsync(connection, migration.Sql, cancellationToken);
            await using var record = new NpgsqlCommand($"INSERT INTO {GridSchema.MigrationsTable} (version, name, checksum) VALUES (@version, @name, @checksum)", connection);
            record.Parameters.AddWithValue("version", migration.Version);
            record.Parameters.AddWithValue("name", migration.Name);
            record.Parameters.AddWithValue("checksum", migration.Checksum);
            await record.ExecuteNonQueryAsync(cancellationToken);
            applied.Add(migration);
        }

        await transaction.CommitAsync(cancellationToken);
        return new MigrationResult(installed, Migrations[^1].Version, applied);
    }

    /// <summary>Creates the database named in the connection string when the server does not have it yet.</summary>
    private async Task EnsureDatabaseAsync(CancellationToken cancellationToken)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(target.Database))
        {
            return;
        }

        try
        {
            await using var probe = new NpgsqlConnection(connectionString);
            await probe.OpenAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            var server = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
            await using var connection = new NpgsqlConnection(server.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            var name = new NpgsqlCommandBuilder().QuoteIdentifier(target.Database);
            await ExecuteAsync(connection, $"CREATE DATABASE {name}", cancellationToken);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static List<Migration> LoadMigrations()
    {
        const string prefix = "Grid.Migrations.";
        var assembly = Assembly.GetExecutingAssembly();
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var fileName = resource[prefix.Length..^".sql".Length];
            var separator = fileName.IndexOf('_', StringComparison.Ordinal);
            var version = int.Parse(fileName[..separator], System.Globalization.CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var text = new StreamReader(stream);
            migrations.Add(new Migration(version, fileName[(separator + 1)..], text.ReadToEnd()));
        }

        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException($"Schema scripts must be numbered 1, 2, 3… without gaps; found {migrations[i].Version} at position {i + 1}.");
            }
        }

        if (migrations[^1].Version != GridSchema.Version)
        {
            throw new InvalidOperationException($"The last schema script is {migrations[^1].Version} but GridSchema.Version is {GridSchema.Version}.");
        }

        return migrations;
    }
}
