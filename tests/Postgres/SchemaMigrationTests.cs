using Grid.Hosting;
using Grid.Silo.Database;

namespace Grid.Tests.Postgres;

[Trait("Category", "Postgres")]
public sealed class SchemaMigrationTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new() { Migrate = false };

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    private const string CatalogFingerprint = """
        SELECT md5(string_agg(entry, '|' ORDER BY entry)) FROM (
            SELECT 'q:' || QueryKey || '=' || md5(QueryText) AS entry FROM OrleansQuery
            UNION ALL
            SELECT 'c:' || table_name || '.' || column_name || ':' || data_type
            FROM information_schema.columns WHERE table_schema = 'public'
            UNION ALL
            SELECT 'i:' || indexname || ':' || indexdef FROM pg_indexes WHERE schemaname = 'public'
            UNION ALL
            SELECT 'm:' || version || ':' || checksum FROM grid_schema_migrations
        ) AS catalog
        """;

    [Fact]
    public async Task A_new_database_is_brought_to_the_current_version()
    {
        var result = await new SchemaMigrator(_database.ConnectionString).ApplyAsync();

        Assert.Equal(0, result.FromVersion);
        Assert.Equal(GridSchema.Version, result.ToVersion);
        Assert.Equal(Enumerable.Range(1, GridSchema.Version), result.Applied.Select(m => m.Version));
        Assert.Equal(GridSchema.Version, await PostgresSchemaCheck.ReadVersionAsync(_database.ConnectionString, default));
    }

    [Fact]
    public async Task Applying_the_schema_twice_changes_nothing_the_second_time()
    {
        await new SchemaMigrator(_database.ConnectionString).ApplyAsync();
        var before = await _database.ScalarAsync<string>(CatalogFingerprint);

        var again = await new SchemaMigrator(_database.ConnectionString).ApplyAsync();

        Assert.Empty(again.Applied);
        Assert.Equal(before, await _database.ScalarAsync<string>(CatalogFingerprint));
    }

    [Fact]
    public async Task Silos_starting_together_apply_each_script_once()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => new SchemaMigrator(_database.ConnectionString).ApplyAsync()));

        Assert.Equal(GridSchema.Version, results.Sum(r => r.Applied.Count));
        Assert.Equal(GridSchema.Version, await _database.ScalarAsync<long>("SELECT count(*) FROM grid_schema_migrations"));
    }

    [Theory]
    [InlineData("InsertMembershipVersionKey")]
    [InlineData("InsertMembershipKey")]
    [InlineData("UpdateMembershipKey")]
    [InlineData("UpdateIAmAlivetimeKey")]
    [InlineData("MembershipReadRowKey")]
    [InlineData("MembershipReadAllKey")]
    [InlineData("DeleteMembershipTableEntriesKey")]
    [InlineData("GatewaysQueryKey")]
    [InlineData("CleanupDefunctSiloEntriesKey")]
    [InlineData("ReadFromStorageKey")]
    [InlineData("WriteToStorageKey")]
    [InlineData("ClearStorageKey")]
    [InlineData("UpsertReminderRowKey")]
    [InlineData("ReadReminderRowsKey")]
    [InlineData("ReadReminderRowKey")]
    [InlineData("ReadRangeRows1Key")]
    [InlineData("ReadRangeRows2Key")]
    [InlineData("DeleteReminderRowKey")]
    [InlineData("DeleteReminderRowsKey")]
    public async Task Every_query_the_providers_need_is_in_the_catalogue(string queryKey)
    {
        await new SchemaMigrator(_database.ConnectionString).ApplyAsync();

        Assert.Equal(1L, await _database.ScalarAsync<long>($"SELECT count(*) FROM OrleansQuery WHERE QueryKey = '{queryKey}'"));
    }

    [Fact]
    public async Task A_database_without_the_schema_is_refused_with_the_command_that_fixes_it()
    {
        var error = await Assert.ThrowsAsync<GridStartupException>(() => PostgresSchemaCheck.EnsureCurrentAsync(_database.ConnectionString, default));

        Assert.Contains("not installed", error.Message, StringComparison.Ordinal);
        Assert.Contains("migrate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_older_schema_is_refused_naming_both_versions()
    {
        await new SchemaMigrator(_database.ConnectionString).ApplyAsync();
        await _database.ExecuteAsync($"DELETE FROM grid_schema_migrations WHERE version = {GridSchema.Version}");

        var error = await Assert.ThrowsAsync<GridStartupException>(() => PostgresSchemaCheck.EnsureCurrentAsync(_database.ConnectionString, default));

        Assert.Contains($"version {GridSchema.Version - 1}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"needs version {GridSchema.Version}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_server_is_reported_by_address_without_the_password()
    {
        var error = await Assert.ThrowsAsync<GridStartupException>(() =>
            PostgresSchemaCheck.EnsureCurrentAsync("Host=127.0.0.1;Port=1;Username=grid;Password=secret;Database=nowhere;Timeout=3", default));

        Assert.Contains("Cannot reach PostgreSQL at 127.0.0.1:1/nowhere", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_that_does_not_exist_yet_is_created()
    {
        var name = $"grid_test_new_{TestIds.Tag(32)}";
        var connectionString = new Npgsql.NpgsqlConnectionStringBuilder(_database.ConnectionString) { Database = name }.ConnectionString;
        try
        {
            var result = await new SchemaMigrator(connectionString).ApplyAsync();

            Assert.Equal(GridSchema.Version, result.ToVersion);
            Assert.Equal(GridSchema.Version, await PostgresSchemaCheck.ReadVersionAsync(connectionString, default));
        }
        finally
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            await _database.ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        }
    }

    [Fact]
    public async Task A_script_edited_after_it_was_applied_is_refused()
    {
        await new SchemaMigrator(_database.ConnectionString).ApplyAsync();
        await _database.ExecuteAsync("UPDATE grid_schema_migrations SET checksum = 'changed' WHERE version = 2");

        var error = await Assert.ThrowsAsync<GridStartupException>(() => new SchemaMigrator(_database.ConnectionString).ApplyAsync());

        Assert.Contains("Schema script 2", error.Message, StringComparison.Ordinal);
    }
}
