using System.Globalization;
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

    public int EffectiveMaxOutstanding => MaxOutstanding ?? Math.Max(Clients * 4, 16);

    /// <summary>Parses the arguments that follow the verb: <c>--name value</c> or <c>--name=value</c>.</summary>
    public static RunOptions Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new UsageException(arg, "unexpected argument; options are written --name value.");
            }

            string name;
            string value;
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                name = arg[..equals];
                value = arg[(equals + 1)..];
            }
            else
            {
                name = arg;
                if (i + 1 >= args.Count)
                {
                    throw new UsageException(name, "a value is required.");
                }

                value = args[++i];
            }

            if (!KnownOptions.Contains(name))
            {
                throw new UsageException(name, "unknown option.");
            }

            if (!values.TryAdd(name, value))
            {
                throw new UsageException(name, "given more than once.");
            }
        }

        var scenario = Required(values, "--scenario");
        if (!ScenarioCatalog.Contains(scenario))
        {
            throw new UsageException("--scenario", $"'{scenario}' is not a scenario; choose one of {string.Join(", ", ScenarioCatalog.Names)}.");
        }

        var targetText = Required(values, "--target");
        var target = TargetGuard.Validate(targetText, out var targetProblem)
            ?? throw new UsageException("--target", targetProblem!);

        var options = new RunOptions
        {
            Scenario = scenario,
            Target = target,
            DurationSeconds = Number(values, "--duration", DefaultDurationSeconds, min: 0.1, max: 3600),
            WarmupSeconds = Number(values, "--warmup", DefaultWarmupSeconds, min: 0, max: 600),
            Clients = Integer(values, "--clients", DefaultClients, min: 1, max: 10_000),
            Rate = values.ContainsKey("--rate") ? Number(values, "--rate", 0, min: 0.1, max: 1_000_000) : null,
            MaxOutstanding = values.ContainsKey("--max-outstanding") ? Integer(values, "--max-outstanding", 0, min: 1, max: 100_000) : null,
            Skus = Integer(values, "--skus", DefaultSkus, min: 1, max: 1_000_000),
            TimeoutSeconds = Number(values, "--timeout", DefaultTimeoutSeconds, min: 0.1, max: 300),
            ApiKey = values.TryGetValue("--api-key", out var key) ? key : Environment.GetEnvironmentVariable("GRID_API_KEY"),
            OutFile = values.TryGetValue("--out", out var outFile) ? ValidOutFile(outFile) : null,
        };

        if (options.MaxOutstanding is not null && options.Rate is null)
        {
            throw new UsageException("--max-outstanding", "applies to open loop only; give --rate as well.");
        }

        return options;
    }

    public static string Usage => $"""
        Grid load generator

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

        scenarios:
        {string.Join(Environment.NewLine, ScenarioCatalog.All.Select(s => $"  {s.Name,-22} {s.Description}"))}

        exit codes: 0 success, 1 target unreachable or run failed, 2 bad arguments
        """;

    private static readonly HashSet<string> KnownOptions = new(StringComparer.Ordinal)
    {
        "--scenario", "--target", "--duration", "--warmup", "--clients", "--rate", "--max-outstanding",
        "--skus", "--timeout", "--api-key", "--out",
    };

    private static string Required(Dictionary<string, string> values, string name)
        => values.TryGetValue(name, out var value) && value.Length > 0
            ? value
            : throw new UsageException(name, "is required.");

    private static double Number(Dictionary<string, string> values, string name, double fallback, double min, double max)
    {
        if (!values.TryGetValue(name, out var text))
        {
            return fallback;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            throw new UsageException(name, $"'{text}' is not a number.");
        }

        return value < min || value > max
            ? throw new UsageException(name, $"must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}; got {text}.")
            : value;
    }

    private static int Integer(Dictionary<string, string> values, string name, int fallback, int min, int max)
    {
        if (!values.TryGetValue(name, out var text))
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw new UsageException(name, $"'{text}' is not a whole number.");
        }

        return value < min || value > max
            ? throw new UsageException(name, $"must be between {min} and {max}; got {text}.")
            : value;
    }

    private static string ValidOutFile(string path)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full);
        return directory is not null && !Directory.Exists(directory)
            ? throw new UsageException("--out", $"the directory '{directory}' does not exist.")
            : full;
    }
}
