using Grid.Gateway.Imports;
using Grid.Hosting;
using Grid.Imports;
using Grid.Inventory;
using Grid.Orders;
using Grid.Streams;
using Microsoft.Extensions.Configuration;

namespace Grid.Tests.Hosting;

/// <summary>Every settings class is checked by one validator whose failures name the configuration key to fix.</summary>
[Trait("Category", "Unit")]
public sealed class SettingsValidationTests
{
    [Fact]
    public void Grid_settings_name_each_bad_key_and_the_missing_connection_string()
    {
        var configuration = new ConfigurationBuilder().Build();

        var result = new GridOptionsValidator(configuration).Validate(null, new GridOptions { Mode = GridMode.Postgres, ClusterId = " ", SiloPort = 0, DashboardSampleInterval = TimeSpan.FromMilliseconds(200) });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("ConnectionStrings:Grid is required", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Grid:ClusterId", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Grid:SiloPort", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Grid:DashboardSampleInterval", StringComparison.Ordinal));
    }

    [Fact]
    public void Default_settings_are_valid_everywhere()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("ConnectionStrings:Grid", "Host=db")]).Build();

        Assert.True(new GridOptionsValidator(configuration).Validate(null, new GridOptions { Mode = GridMode.Postgres }).Succeeded);
        Assert.True(new GridStreamOptionsValidator().Validate(null, new GridStreamOptions()).Succeeded);
        Assert.True(new InventoryOptionsValidator().Validate(null, new InventoryOptions()).Succeeded);
        Assert.True(new OrderOptionsValidator().Validate(null, new OrderOptions()).Succeeded);
        Assert.True(new ImportOptionsValidator().Validate(null, new ImportOptions()).Succeeded);
        Assert.True(new GridImportOptionsValidator().Validate(null, new GridImportOptions()).Succeeded);
        Assert.True(new PostgresStreamOptionsValidator().Validate("grid", new PostgresStreamOptions { ConnectionString = "Host=db" }).Succeeded);
    }

    [Fact]
    public void Stream_settings_name_the_key_and_the_value_given()
    {
        var result = new GridStreamOptionsValidator().Validate(null, new GridStreamOptions { QueueCount = 0 });

        Assert.Equal(["Grid:Streams:QueueCount must be between 1 and 1024 (it is 0)."], result.Failures);
    }

    [Fact]
    public void Inventory_settings_name_the_key_out_of_range_and_the_pair_out_of_order()
    {
        var result = new InventoryOptionsValidator().Validate(null, new InventoryOptions
        {
            DedupeWindow = 4,
            DefaultReservationTtl = TimeSpan.FromDays(2),
            MaxReservationTtl = TimeSpan.FromDays(1),
        });

        Assert.Equal(2, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.StartsWith("Grid:Inventory:DedupeWindow must be between 16 and 100000", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Grid:Inventory:DefaultReservationTtl (2.00:00:00) must not exceed Grid:Inventory:MaxReservationTtl", StringComparison.Ordinal));
    }

    [Fact]
    public void Order_settings_name_the_key_out_of_range()
    {
        var result = new OrderOptionsValidator().Validate(null, new OrderOptions { SourcingReservationTtlSeconds = 0 });

        Assert.Equal(["Grid:Orders:SourcingReservationTtlSeconds must be between 1 and 86400, not 0."], result.Failures);
    }

    [Fact]
    public void Exception_queue_settings_name_the_key_out_of_range()
    {
        var result = new Grid.Exceptions.ExceptionOptionsValidator().Validate(null, new Grid.Exceptions.ExceptionOptions { Partitions = 0 });

        Assert.Equal(["Grid:Exceptions:Partitions must be between 1 and 1024, not 0."], result.Failures);
    }

    [Fact]
    public void Reconciliation_settings_name_the_key_out_of_range()
    {
        var result = new Grid.Outbound.ReconciliationOptionsValidator().Validate(null, new Grid.Outbound.ReconciliationOptions { Shards = 0 });

        Assert.Equal(["Grid:Reconciliation:Shards must be between 1 and 256, not 0."], result.Failures);
    }

    [Fact]
    public void Stream_provider_settings_name_the_provider_and_the_setting()
    {
        var result = new PostgresStreamOptionsValidator().Validate("grid", new PostgresStreamOptions { MaxConnections = 1 });

        Assert.Equal(["Stream provider grid: ConnectionString is required.", "Stream provider grid: MaxConnections must be between 2 and 1000, not 1."], result.Failures);
    }

    [Fact]
    public void Import_settings_name_the_key_and_the_value_given()
    {
        var silo = new ImportOptionsValidator().Validate(null, new ImportOptions { Concurrency = 0, PauseAtLag = TimeSpan.FromSeconds(-1) });
        var gateway = new GridImportOptionsValidator().Validate(null, new GridImportOptions { ChunkLines = 0 });

        Assert.Equal(
            ["Grid:Imports:Concurrency must be between 1 and 256, not 0.", "Grid:Imports:PauseAtLag must be between 00:00:00 (never wait) and 01:00:00, not -00:00:01."],
            silo.Failures);
        Assert.Equal(["Grid:Imports:ChunkLines must be between 1 and 100000, not 0."], gateway.Failures);
    }
}
