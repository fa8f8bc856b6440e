using Grid.Postgres;
using Npgsql;

namespace Grid.Tests.Infrastructure;

[Trait("Category", "Unit")]
public sealed class GridDataSourceTests
{
    [Fact]
    public void A_pool_ceiling_and_an_application_name_are_added_when_the_connection_string_has_none()
    {
        var settings = new NpgsqlConnectionStringBuilder(GridDataSource.WithDefaults("Host=db;Username=grid", 16, "grid-inventory"));

        Assert.Equal(16, settings.MaxPoolSize);
        Assert.Equal("grid-inventory", settings.ApplicationName);
    }

    [Theory]
    [InlineData("Host=db;Maximum Pool Size=50")]
    [InlineData("Host=db;maximum pool size=50")]
    [InlineData("Host=db; MaxPoolSize = 50")]
    public void A_pool_size_the_operator_named_wins(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(GridDataSource.WithDefaults(connectionString, 16, "grid"));

        Assert.Equal(50, settings.MaxPoolSize);
    }

    [Fact]
    public void An_application_name_the_operator_named_wins()
    {
        var settings = new NpgsqlConnectionStringBuilder(GridDataSource.WithDefaults("Host=db;Application Name=erp-bridge", 16, "grid"));

        Assert.Equal("erp-bridge", settings.ApplicationName);
    }

    [Fact]
    public void Statements_are_prepared_automatically_and_connections_are_not_reset_when_the_connection_string_says_nothing()
    {
        var settings = new NpgsqlConnectionStringBuilder(GridDataSource.WithDefaults("Host=db", 16, "grid"));

        Assert.Equal(GridDataSource.DefaultMaxAutoPrepare, settings.MaxAutoPrepare);
        Assert.True(settings.NoResetOnClose);
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0;No Reset On Close=false")]
    [InlineData("Host=db;MaxAutoPrepare=0;NoResetOnClose=false")]
    public void Preparation_and_reset_settings_the_operator_named_win(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(GridDataSource.WithDefaults(connectionString, 16, "grid"));

        Assert.Equal(0, settings.MaxAutoPrepare);
        Assert.False(settings.NoResetOnClose);
    }
}
