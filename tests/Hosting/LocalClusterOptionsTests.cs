using Grid.AppHost;
using Microsoft.Extensions.Configuration;

namespace Grid.Tests.Hosting;

/// <summary>The AppHost's switches are checked before anything starts, each failure naming the switch to fix.</summary>
[Trait("Category", "Unit")]
public sealed class LocalClusterOptionsTests
{
    [Fact]
    public void The_defaults_are_two_silos_the_gateway_on_5080_and_postgres_clear_of_the_tests_server()
    {
        var options = LocalClusterOptions.From(new ConfigurationBuilder().Build());

        Assert.Equal(2, options.Silos);
        Assert.Equal(5080, options.HttpPort);
        Assert.NotEqual(55432, options.PostgresPort);
        Assert.True(Path.IsPathFullyQualified(options.PostgresFolder));
    }

    [Fact]
    public void Command_line_switches_are_read_by_their_names()
    {
        var options = LocalClusterOptions.From(new ConfigurationBuilder()
            .AddCommandLine(["--silos", "3", "--http-port", "0", "--postgres-folder", "/tmp/grid-pg", "--api-key", "a-key-of-sixteen-chars"])
            .Build());

        Assert.Equal(3, options.Silos);
        Assert.Equal(0, options.HttpPort);
        Assert.Equal("/tmp/grid-pg", options.PostgresFolder);
        Assert.Equal("a-key-of-sixteen-chars", options.ApiKey);
    }

    [Fact]
    public void Each_bad_switch_is_named()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => LocalClusterOptions.From(new ConfigurationBuilder()
            .AddCommandLine(["--silos", "9", "--postgres-port", "70000", "--postgres-folder", "relative/pg", "--api-key", "short"])
            .Build()));

        Assert.Contains("--silos", failure.Message, StringComparison.Ordinal);
        Assert.Contains("--postgres-port", failure.Message, StringComparison.Ordinal);
        Assert.Contains("--postgres-folder", failure.Message, StringComparison.Ordinal);
        Assert.Contains("--api-key", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_switch_that_is_not_a_number_is_named()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => LocalClusterOptions.From(new ConfigurationBuilder()
            .AddCommandLine(["--silos", "three"])
            .Build()));

        Assert.Contains("silos", failure.Message, StringComparison.Ordinal);
    }
}
