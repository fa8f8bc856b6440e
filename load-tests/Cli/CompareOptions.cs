using Grid.LoadTests.Scenarios;
using Npgsql;

namespace Grid.LoadTests.Cli;

/// <summary>The options of the <c>compare</c> verb: one scenario against Grid and the baseline, started here.</summary>
internal sealed record CompareOptions
{
    public const int DefaultRounds = 3;
    public const double DefaultWarmupSeconds = 5;

    /// <summary>Unmeasured lead-in at the start of every round (at most --warmup).</summary>
    public const double RoundLeadInSeconds = 1;

    public required string Scenario { get; init; }

    public double DurationSeconds { get; init; } = RunOptions.DefaultDurationSeconds;

    public int Rounds { get; init; } = DefaultRounds;

    public double WarmupSeconds { get; init; } = DefaultWarmupSeconds;

    public int Clients { get; init; } = RunOptions.DefaultClients;

    public double? Rate { get; init; }

    public int? MaxOutstanding { get; init; }

    public int Skus { get; init; } = RunOptions.DefaultSkus;

    public double TimeoutSeconds { get; init; } = RunOptions.DefaultTimeoutSeconds;

    /// <summary>The PostgreSQL server to use (any database on it); null: the repository's private server.</summary>
    public string? Connection { get; init; }

    public bool NoBuild { get; init; }

    /// <summary>
    /// <c>--outbound on|off</c>: whether Grid gets a webhook target (every event type, to the tool's own receiver) and the
    /// baseline writes and relays an outbox; null: on for the scenarios that write.
    /// </summary>
    public bool? Outbound { get; init; }

    /// <summary>
    /// <c>--outbound both</c>: outbound on, and a second Grid with no target in the same run (side <c>grid-off</c>), so
    /// that what outbound costs Grid is measured round by round rather than between runs minutes apart.
    /// </summary>
    public bool OutboundCost { get; init; }

    /// <summary><c>--silos N</c>: Grid as N silos on one database (default 1).</summary>
    public int Silos { get; init; } = 1;

    /// <summary>
    /// <c>--gateway separate|hosted</c>: the API served by a gateway process of its own, or by the first silo (the
    /// default for one silo; several silos default to separate).
    /// </summary>
    public bool SeparateGateway { get; init; }

    public string? OutFile { get; init; }

    public int EffectiveMaxOutstanding => MaxOutstanding ?? Math.Max(Clients * 4, 16);

    public double LeadInSeconds => Math.Min(RoundLeadInSeconds, WarmupSeconds);

    public static CompareOptions Parse(IReadOnlyList<string> args)
    {
        var values = OptionReader.Parse(args, KnownOptions, Flags);
        var options = new CompareOptions
        {
            Scenario = RunOptions.ValidScenario(values.Required("--scenario")),
            DurationSeconds = values.Number("--duration", RunOptions.DefaultDurationSeconds, min: 0.1, max: 3600),
            Rounds = values.Integer("--rounds", DefaultRounds, min: 1, max: 100),
            WarmupSeconds = values.Number("--warmup", DefaultWarmupSeconds, min: 0, max: 600),
            Clients = values.Integer("--clients", RunOptions.DefaultClients, min: 1, max: 10_000),
            Rate = values.Has("--rate") ? values.Number("--rate", 0, min: 0.1, max: 1_000_000) : null,
            MaxOutstanding = values.Has("--max-outstanding") ? values.Integer("--max-outstanding", 0, min: 1, max: 100_000) : null,
            Skus = values.Integer("--skus", RunOptions.DefaultSkus, min: 1, max: 1_000_000),
            TimeoutSeconds = values.Number("--timeout", RunOptions.DefaultTimeoutSeconds, min: 0.1, max: 300),
            Connection = values.Text("--connection") is { } connection ? ValidConnection(connection) : null,
            NoBuild = values.Flag("--no-build"),
            Outbound = values.Text("--outbound") switch
            {
                null => null,
                "on" => true,
                "off" => false,
                "both" => true,
                var other => throw new UsageException("--outbound", $"must be on, off or both, not '{other}'."),
            },
            OutboundCost = values.Text("--outbound") == "both",
            Silos = values.Integer("--silos", 1, min: 1, max: 8),
            SeparateGateway = values.Text("--gateway") switch
            {
                null => values.Has("--silos") && values.Integer("--silos", 1, min: 1, max: 8) > 1,
                "separate" => true,
                "hosted" => false,
                var other => throw new UsageException("--gateway", $"must be separate or hosted, not '{other}'."),
            },
            OutFile = values.OutFile("--out"),
        };

        if (options.MaxOutstanding is not null && options.Rate is null)
        {
            throw new UsageException("--max-outstanding", "applies to open loop only; give --rate as well.");
        }

        return options;
    }

    public static string Usage => $"""
        usage:
          dotnet run -c Release --project load-tests -- compare --scenario <name> --duration <seconds> --out <file.json> [options]

        Starts PostgreSQL (unless --connection), Grid in PostgreSQL mode and the baseline on this machine, seeds both, warms
        both up, then runs the scenario against Grid and the baseline alternately (and, for atp-read and atp-read-hot,
        against the baseline's in-memory ceiling endpoint), --rounds times each. Reports each round and the median per side.

        options:
          --scenario <name>        {string.Join(" | ", ScenarioCatalog.Names)}
          --duration <seconds>     measured time per round and side, default {RunOptions.DefaultDurationSeconds}
          --rounds <n>             rounds (each side once per round), default {DefaultRounds}
          --warmup <seconds>       unmeasured load on each side before round 1, default {DefaultWarmupSeconds}; each round
                                   also starts with {RoundLeadInSeconds} s unmeasured (at most --warmup)
          --clients <n>            closed loop: concurrent clients; both modes: connections, default {RunOptions.DefaultClients}
          --rate <requests/s>      open loop at this fixed rate; latency counts from the intended send time
          --max-outstanding <n>    open loop: most requests in flight, default 4 x clients
          --skus <n>               SKUs (SKU-locations) the spread scenarios use, default {RunOptions.DefaultSkus}
          --timeout <seconds>      per-request timeout, default {RunOptions.DefaultTimeoutSeconds}
          --connection <cs>        Npgsql connection string of the PostgreSQL server to use (default: the private
                                   server scripts/postgres.sh starts on 127.0.0.1:55432); fresh databases are made on it
          --outbound on|off        outbound sync: Grid delivers every event type to a webhook receiver in this tool, the
                                   baseline writes an outbox row in each transaction and relays it there; reports events
                                   delivered, drain time and delivery lag per side. Default: on for reserve-hot,
                                   reserve-spread and warehouse-ingest, off for the reads. both: on, plus a
                                   second Grid without a target (side grid-off) in the same rounds, and what
                                   outbound costs Grid's throughput (1 - grid / grid-off)
          --silos <n>              Grid as n silos (1-8) on one database, default 1; CPU per request counts every
                                   Grid process, and the table adds activations per silo
          --gateway separate|hosted
                                   the API in a gateway process of its own, or in the first silo; default hosted
                                   for one silo, separate for several
          --no-build               do not build silo/Grid.Silo.csproj (Release) first
          --out <file.json>        also write the result as JSON, and its chart as SVG beside it (r.json -> r.svg)
        """;

    private static readonly HashSet<string> KnownOptions = new(StringComparer.Ordinal)
    {
        "--scenario", "--duration", "--rounds", "--warmup", "--clients", "--rate", "--max-outstanding",
        "--skus", "--timeout", "--connection", "--out", "--outbound", "--silos", "--gateway",
    };

    private static readonly HashSet<string> Flags = new(StringComparer.Ordinal) { "--no-build" };

    /// <summary>An Npgsql connection string naming a host; the maintenance database when it names none.</summary>
    public static string ValidConnection(string text)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(text);
            if (string.IsNullOrEmpty(builder.Host))
            {
                throw new UsageException("--connection", "must name Host.");
            }

            // Databases are created from here; without a database named, connect to the maintenance one.
            if (string.IsNullOrEmpty(builder.Database))
            {
                builder.Database = "postgres";
            }

            return builder.ConnectionString;
        }
        catch (ArgumentException ex)
        {
            throw new UsageException("--connection", $"is not an Npgsql connection string: {ex.Message}");
        }
    }
}
