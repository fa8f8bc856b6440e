namespace Grid.LoadTests.Cli;

/// <summary>The options of the <c>grain-calls</c> verb: ATP grain calls inside one process, no HTTP.</summary>
internal sealed record GrainCallsOptions
{
    public const double DefaultDurationSeconds = 10;
    public const double DefaultWarmupSeconds = 2;
    public const int DefaultClients = 64;
    public const int DefaultRounds = 3;
    public const int DefaultSkus = 10_000;
    public const int DefaultLocationsPerSku = 1;

    /// <summary>What each call kind is, in the order a round runs them.</summary>
    public static readonly IReadOnlyList<(string Name, string Description)> Calls =
    [
        ("ping", "IPingGrain.Ping: a reentrant grain with no state that answers an integer (Orleans' own cost)"),
        ("sku-atp", "ISkuGrain.GetAvailability: network ATP of one SKU, uniform over the seeded SKUs"),
        ("location-atp", "IInventoryGrain.GetAvailability: ATP of one SKU-location, uniform over the seeded SKU-locations"),
    ];

    public double DurationSeconds { get; init; } = DefaultDurationSeconds;

    public double WarmupSeconds { get; init; } = DefaultWarmupSeconds;

    /// <summary>Callers in flight at once (closed loop).</summary>
    public int Clients { get; init; } = DefaultClients;

    public int Rounds { get; init; } = DefaultRounds;

    public int Skus { get; init; } = DefaultSkus;

    public int LocationsPerSku { get; init; } = DefaultLocationsPerSku;

    public int SkuLocations => Skus * LocationsPerSku;

    public IReadOnlyList<string> CallNames { get; init; } = [.. Calls.Select(c => c.Name)];

    public string? OutFile { get; init; }

    public static GrainCallsOptions Parse(IReadOnlyList<string> args)
    {
        var values = OptionReader.Parse(args, KnownOptions);
        var options = new GrainCallsOptions
        {
            DurationSeconds = values.Number("--duration", DefaultDurationSeconds, min: 0.1, max: 3600),
            WarmupSeconds = values.Number("--warmup", DefaultWarmupSeconds, min: 0, max: 600),
            Clients = values.Integer("--clients", DefaultClients, min: 1, max: 100_000),
            Rounds = values.Integer("--rounds", DefaultRounds, min: 1, max: 100),
            Skus = values.Integer("--skus", DefaultSkus, min: 1, max: 1_000_000),
            LocationsPerSku = values.Integer("--locations-per-sku", DefaultLocationsPerSku, min: 1, max: 1_000),
            CallNames = values.Text("--calls") is { } calls ? ValidCalls(calls) : [.. Calls.Select(c => c.Name)],
            OutFile = values.OutFile("--out"),
        };

        return options.SkuLocations > 2_000_000
            ? throw new UsageException("--skus", $"--skus x --locations-per-sku must be at most 2,000,000; got {options.SkuLocations:N0}.")
            : options;
    }

    private static string[] ValidCalls(string text)
    {
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var name in names)
        {
            if (!Calls.Any(c => c.Name == name))
            {
                throw new UsageException("--calls", $"'{name}' is not a call; choose from {string.Join(", ", Calls.Select(c => c.Name))}.");
            }
        }

        return names.Length == 0
            ? throw new UsageException("--calls", "name at least one call.")
            : [.. names.Distinct(StringComparer.Ordinal)];
    }

    public static string Usage => $"""
        usage:
          dotnet run -c Release --project load-tests -- grain-calls [--duration <s>] [--clients <n>] [--out <file.json>] [options]

        Hosts one Grid silo in this process in dev mode (in-memory providers, no HTTP), seeds --skus x --locations-per-sku
        SKU-locations (one receipt each, through IInventoryGrain.ApplyMovements), then, round by round, drives each call
        kind for --warmup + --duration seconds with --clients callers in a closed loop. Reports calls/s and latency
        percentiles (HdrHistogram) per call kind, the median over the rounds, against the 100,000 calls/s target, and
        the managed heap per seeded SKU-location (dev mode: includes the in-memory storage's serialized copy).

        options:
          --duration <s>           measured time per call kind and round, default {DefaultDurationSeconds}
          --warmup <s>             unmeasured time before it, default {DefaultWarmupSeconds}
          --clients <n>            callers in flight at once, default {DefaultClients}
          --rounds <n>             rounds (each runs every call kind once), default {DefaultRounds}
          --skus <n>               SKUs to seed (and ping grains to call), default {DefaultSkus:N0}
          --locations-per-sku <n>  locations per SKU (L0, L1, ...), default {DefaultLocationsPerSku}
          --calls <a,b,...>        call kinds to run, default all: {string.Join(", ", Calls.Select(c => c.Name))}
          --out <file.json>        also write the result as JSON

        calls:
        {string.Join(Environment.NewLine, Calls.Select(c => $"  {c.Name,-14} {c.Description}"))}
        """;

    private static readonly HashSet<string> KnownOptions = new(StringComparer.Ordinal)
    {
        "--duration", "--warmup", "--clients", "--rounds", "--skus", "--locations-per-sku", "--calls", "--out",
    };
}
