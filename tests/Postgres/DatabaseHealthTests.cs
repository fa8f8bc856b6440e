using Grid.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Grid.Tests.Postgres;

/// <summary>Readiness in Postgres mode follows the database: reachable, and holding the schema this build needs.</summary>
[Trait("Category", "Postgres")]
public sealed class DatabaseHealthTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task A_migrated_database_is_ready()
    {
        var result = await CheckAsync(_database.ConnectionString);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal($"schema version {GridSchema.Version}", result.Description);
    }

    [Fact]
    public async Task A_database_without_the_schema_is_not_ready()
    {
        await _database.ExecuteAsync("DROP TABLE " + GridSchema.MigrationsTable);

        var result = await CheckAsync(_database.ConnectionString);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal($"schema version 0, this build needs {GridSchema.Version}", result.Description);
    }

    [Fact]
    public async Task An_unreachable_server_is_not_ready_and_the_reason_names_it_without_the_password()
    {
        var unreachable = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Port = FreePorts.Next(), Password = "secret-pw", Timeout = 2 }.ConnectionString;

        var result = await CheckAsync(unreachable);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.StartsWith("Cannot reach PostgreSQL at 127.0.0.1:", result.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-pw", result.Description, StringComparison.Ordinal);
    }

    private static Task<HealthCheckResult> CheckAsync(string connectionString)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"ConnectionStrings:{GridOptions.ConnectionStringName}"] = connectionString })
            .Build();
        var check = new HealthExtensions.DatabaseHealthCheck(Options.Create(new GridOptions { Mode = GridMode.Postgres }), configuration);
        return check.CheckHealthAsync(new HealthCheckContext());
    }
}
