using Grid.LoadTests.Http;
using Grid.LoadTests.Scenarios;

namespace Grid.LoadTests.Cli;

/// <summary>The options of the <c>run</c> verb: one scenario against one (loopback) target.</summary>
internal sealed record RunOptions
{
    public const double DefaultDurationSeconds = 10;
    public const double DefaultWarmupSeconds = 2;
    public const int DefaultClients = 32;
    public const int DefaultSkus = 10_000;
    public const double DefaultTimeoutSeconds = 10;

    public required string Scenario { get; init; }

    public required Uri Target { get; init; }

    public double DurationSeconds { get; init; } = DefaultDurationSeconds;

    public double WarmupSeconds { get; init; } = DefaultWarmupSeconds;

    /// <summary>Concurrent clients in closed loop; the connection-pool size in both modes.</summary>
    public int Clients { get; init; } = DefaultClients;

    /// <summary>Requests per second in open loop; null for closed loop.</summary>
    public double? Rate { get; init; }

    /// <summary>Open loop: most requests in flight at once; beyond it the schedule backs up (and latency shows it).</summary>
    public int? MaxOutstanding { get; init; }

    public int Skus { get; init; } = DefaultSkus;

    public double TimeoutSeconds { get; init; } = DefaultTimeoutSeconds;

    public string? ApiKey { get; init; }

    public string? OutFile { get; init; }

    /// <summary>The path the single-SKU ATP scenarios append the SKU to (the baseline's ceiling is <c>ceiling/atp/</c>).</summary>
    public string AtpPathPrefix { get; init; } = ScenarioSettings.DefaultAtpPathPrefix;

    public int EffectiveMaxOutstanding => MaxOutstanding ?? Math.Max(Clients * 4, 16);

    /// <summary>Parses the arguments that follow the verb: <c>--name value</c> or <c>--name=value</c>.</summary>
    public static RunOptions Parse(IReadOnlyList<string> args)
    {
        var values = OptionReader.Parse(args, KnownOptions);

        var scenario = ValidScenario(values.Required("--scenario"));
        var targetText = values.Required("--target");
        var target = TargetGuard.Validate(targetText, out var targetProblem)
            ?? throw new UsageException("--target", targetProblem!);

        var options = new RunOptions
        {
            Scenario = scenario,
            Target = target,
            DurationSeconds = values.Number("--duration", DefaultDurationSeconds, min: 0.1, max: 3600),
            WarmupSeconds = values.Number("--warmup", DefaultWarmupSeconds, min: 0, max: 600),
            Clients = values.Integer("--clients", DefaultClients, min: 1, max: 10_000),
            Rate = values.Has("--rate") ? values.Number("--rate", 0, min: 0.1, max: 1_000_000) : null,
            MaxOutstanding = values.Has("--max-outstanding") ? values.Integer("--max-outstanding", 0, min: 1, max: 100_000) : null,
            Skus = values.Integer("--skus", DefaultSkus, min: 1, max: 1_000_000),
            TimeoutSeconds = values.Number("--timeout", DefaultTimeoutSeconds, min: 0.1, max: 300),
            ApiKey = values.Text("--api-key") ?? Environment.GetEnvironmentVariable("GRID_API_KEY"),
            OutFile = values.OutFile("--out"),
            AtpPathPrefix = values.Text("--atp-path-prefix") is { } prefix ? ValidAtpPathPrefix(prefix) : ScenarioSettings.DefaultAtpPathPrefix,
        };

        if (options.MaxOutstanding is not null && options.Rate is null)
        {
            throw new UsageException("--max-outstanding", "applies to open loop only; give --rate as well.");
        }

        return options;
    }

    /// <summary>A scenario name from the catalog, or a usage error listing them.</summary>
    public static string ValidScenario(string scenario)
        => ScenarioCatalog.Contains(scenario)
            ? scenario
            : throw new UsageException("--scenario", $"'{scenario}' is not a scenario; choose one of {string.Join(", ", ScenarioCatalog.Names)}.");

    /// <summary>A relative path such as <c>api/v1/atp/</c> or <c>ceiling/atp/</c>; the SKU is appended to it.</summary>
    public static string ValidAtpPathPrefix(string text)
    {
        var trimmed = text.Trim('/');
        if (trimmed.Length == 0 || trimmed.Length > 200 || !trimmed.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '-' or '_' or '.'))
        {
            throw new UsageException("--atp-path-prefix", $"'{text}' is not a path such as api/v1/atp or ceiling/atp (letters, digits, '/', '-', '_', '.').");
        }

        return trimmed + "/";
    }

    public static string Usage => $"""
        usage:
          dotnet run -c Release --project load-tests -- run --scenario <name> --target <url> [options]

        options:
          --scenario <name>        {string.Join(" | ", ScenarioCatalog.Names)}
          --target <url>           base URL of the Grid HTTP API; loopback only (http://127.0.0.1:5080)
          --duration <seconds>     measured time, default {DefaultDurationSeconds}
          --warmup <seconds>       unmeasured time before it, default {DefaultWarmupSeconds}
          --clients <n>            closed loop: concurrent clients; both modes: connections, default {DefaultClients}
          --rate <requests/s>      open loop at this fixed rate; latency counts from the intended send time
          --max-outstanding <n>    open loop: most requests in flight, default 4 x clients
          --skus <n>               SKUs (SKU-locations) the spread scenarios use, default {DefaultSkus}
          --timeout <seconds>      per-request timeout, default {DefaultTimeoutSeconds}
          --api-key <key>          sent as X-Api-Key (default: $GRID_API_KEY, else none)
          --out <file.json>        also write the result as JSON
          --atp-path-prefix <path> where atp-read and atp-read-hot send GETs, default {ScenarioSettings.DefaultAtpPathPrefix}
                                   (ceiling/atp/ for the baseline's in-memory ceiling endpoint)

        scenarios:
        {string.Join(Environment.NewLine, ScenarioCatalog.All.Select(s => $"  {s.Name,-22} {s.Description}"))}

        exit codes: 0 success, 1 target unreachable or run failed, 2 bad arguments
        """;

    private static readonly HashSet<string> KnownOptions = new(StringComparer.Ordinal)
    {
        "--scenario", "--target", "--duration", "--warmup", "--clients", "--rate", "--max-outstanding",
        "--skus", "--timeout", "--api-key", "--out", "--atp-path-prefix",
    };
}
