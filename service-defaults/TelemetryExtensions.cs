using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Grid.Hosting;

/// <summary>Where telemetry goes (<c>Grid:Telemetry</c>). Metrics are always collected, traces when they are exported; exporters are chosen here.</summary>
public sealed class GridTelemetryOptions
{
    public const string SectionName = "Grid:Telemetry";

    /// <summary>Serve the metrics at <c>/metrics</c> for Prometheus to scrape. Default: true.</summary>
    public bool Prometheus { get; set; } = true;

    /// <summary>
    /// Send traces, metrics and logs to this OTLP endpoint (a collector, e.g. <c>http://otel-collector:4317</c>). The
    /// standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (and the other <c>OTEL_EXPORTER_OTLP_*</c> variables) work as well.
    /// Default: none (no OTLP export).
    /// </summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>The OTLP protocol for <see cref="OtlpEndpoint"/>: <c>Grpc</c> (port 4317) or <c>HttpProtobuf</c> (port 4318). Default: Grpc.</summary>
    public OtlpExportProtocol OtlpProtocol { get; set; } = OtlpExportProtocol.Grpc;

    /// <summary>The service name on every span and metric; <c>OTEL_SERVICE_NAME</c> wins. Default: grid-silo or grid-gateway.</summary>
    public string? ServiceName { get; set; }

    /// <summary>
    /// Record traces. Default: only when they are exported (an OTLP endpoint is configured here or by
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>): every grain call then carries two spans, which costs a fifth of ATP
    /// throughput, so a process that sends its traces nowhere does not make them.
    /// </summary>
    public bool? Tracing { get; set; }

    /// <summary>
    /// The share of traces started here that are recorded, from 0 to 1; a request whose caller recorded its trace is
    /// always recorded. Default: 1 (every trace).
    /// </summary>
    public double TraceSampleRatio { get; set; } = 1.0;

    /// <summary>Whether traces are recorded, given this configuration.</summary>
    public bool TracingEnabled(IConfiguration configuration)
        => Tracing ?? (OtlpEndpoint is not null || !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]));
}

/// <summary>
/// OpenTelemetry for a Grid process: one trace per request from ASP.NET Core through Orleans grain calls (and the stream
/// hops and HTTP deliveries they make), the Orleans, ASP.NET Core, HTTP client and runtime meters, and Grid's business
/// meter; exported over OTLP when configured and served to Prometheus at <c>/metrics</c>.
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>The activity sources a Grid trace is made of.</summary>
    public static readonly IReadOnlyList<string> ActivitySources =
    [
        "Grid",
        "Microsoft.Orleans.Application",
        "Microsoft.Orleans.Storage",
        "System.Net.Http",
    ];

    /// <summary>The meters Grid exports.</summary>
    public static readonly IReadOnlyList<string> Meters =
    [
        "Grid", // Grid's own meter: the grains' GridInstruments and the gateway's GatewayInstruments share it
        "Microsoft.Orleans",
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.RateLimiting",
        "Microsoft.AspNetCore.Authentication",
        "Microsoft.AspNetCore.Authorization",
        "Microsoft.AspNetCore.Diagnostics",
        "System.Net.Http",
        "System.Runtime",
    ];

    public static WebApplicationBuilder AddGridTelemetry(this WebApplicationBuilder builder, string defaultServiceName)
    {
        var options = builder.Configuration.GetSection(GridTelemetryOptions.SectionName).Get<GridTelemetryOptions>() ?? new GridTelemetryOptions();
        if (options.TraceSampleRatio is < 0 or > 1 or double.NaN)
        {
            throw new GridStartupException(
                $"{GridTelemetryOptions.SectionName}:{nameof(GridTelemetryOptions.TraceSampleRatio)} is {options.TraceSampleRatio}; it must be from 0 to 1.");
        }

        builder.Services.AddSingleton(Options.Create(options));
        var grid = builder.Configuration.GetSection(GridOptions.SectionName).Get<GridOptions>() ?? new GridOptions();

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource
                .AddService(
                    builder.Configuration["OTEL_SERVICE_NAME"] ?? options.ServiceName ?? defaultServiceName,
                    serviceInstanceId: ConfiguredInstanceId(builder.Configuration["OTEL_RESOURCE_ATTRIBUTES"]) ?? Environment.MachineName)
                .AddAttributes([new("grid.cluster_id", grid.ClusterId), new("grid.mode", grid.Mode.ToString())]))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter([.. Meters]);
                if (options.Prometheus)
                {
                    metrics.AddPrometheusExporter();
                }
            });

        if (options.TracingEnabled(builder.Configuration))
        {
            telemetry.WithTracing(tracing => tracing
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.TraceSampleRatio)))
                .AddSource([.. ActivitySources])
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsPlumbing(context.Request.Path)));
        }

        if (options.OtlpEndpoint is not null)
        {
            telemetry.WithLogging().UseOtlpExporter(options.OtlpProtocol, options.OtlpEndpoint);
        }
        else if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.WithLogging().UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>Maps <c>/metrics</c> (Prometheus text format), anonymous and not rate limited, unless <c>Grid:Telemetry:Prometheus</c> is false.</summary>
    public static WebApplication MapGridTelemetry(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<GridTelemetryOptions>>().Value.Prometheus)
        {
            app.MapPrometheusScrapingEndpoint("/metrics").WithTags("Operations").AllowAnonymous().DisableRateLimiting();
        }

        return app;
    }

    /// <summary>
    /// The <c>service.instance.id</c> given in <c>OTEL_RESOURCE_ATTRIBUTES</c>, if any: an orchestrator that names each
    /// process (Aspire does) matches its telemetry to the process by it, so it must win over the machine name.
    /// </summary>
    private static string? ConfiguredInstanceId(string? resourceAttributes)
        => resourceAttributes?.Split(',')
            .Select(pair => pair.Split('=', 2))
            .Where(pair => pair.Length == 2 && pair[0].Trim() == "service.instance.id" && !string.IsNullOrWhiteSpace(pair[1]))
            .Select(pair => pair[1].Trim())
            .FirstOrDefault();

    private static bool IsPlumbing(PathString path)
        => path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/dashboard", StringComparison.OrdinalIgnoreCase);
}
