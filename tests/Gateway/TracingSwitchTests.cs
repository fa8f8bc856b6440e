using Grid.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Grid.Tests.Gateway;

/// <summary>Traces are recorded when they go somewhere (or when asked for), and only the share sampled.</summary>
[Trait("Category", "Unit")]
public sealed class TracingSwitchTests
{
    private static IConfiguration Configuration(params (string Key, string Value)[] settings)
        => new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();

    [Fact]
    public void A_process_that_exports_no_traces_records_none()
        => Assert.False(new GridTelemetryOptions().TracingEnabled(Configuration()));

    [Fact]
    public void A_process_with_an_otlp_endpoint_records_traces()
    {
        Assert.True(new GridTelemetryOptions { OtlpEndpoint = new Uri("http://collector:4317") }.TracingEnabled(Configuration()));
        Assert.True(new GridTelemetryOptions().TracingEnabled(Configuration(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317"))));
    }

    [Fact]
    public void Tracing_set_explicitly_wins_either_way()
    {
        Assert.True(new GridTelemetryOptions { Tracing = true }.TracingEnabled(Configuration()));
        Assert.False(new GridTelemetryOptions { Tracing = false, OtlpEndpoint = new Uri("http://collector:4317") }.TracingEnabled(Configuration()));
    }

    [Fact]
    public void A_dev_process_without_an_exporter_has_no_tracer_unless_asked_for_one()
    {
        static TracerProvider? Tracer(string? tracing)
        {
            var builder = WebApplication.CreateSlimBuilder();
            if (tracing is not null)
            {
                builder.Configuration["Grid:Telemetry:Tracing"] = tracing;
            }

            builder.AddGridTelemetry("grid-test");
            using var services = builder.Services.BuildServiceProvider();
            return services.GetService<TracerProvider>();
        }

        Assert.Null(Tracer(null));
        Assert.NotNull(Tracer("true"));
    }

    [Theory]
    [InlineData("-0.1")]
    [InlineData("1.5")]
    public void A_sample_ratio_outside_zero_to_one_stops_start_up_naming_the_setting(string ratio)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration["Grid:Telemetry:TraceSampleRatio"] = ratio;

        var failure = Assert.Throws<GridStartupException>(() => builder.AddGridTelemetry("grid-test"));

        Assert.Contains("Grid:Telemetry:TraceSampleRatio", failure.Message, StringComparison.Ordinal);
    }
}
