using Grid.LoadTests.Elasticity;

namespace Grid.LoadTests.Cli;

/// <summary>The options of the <c>elasticity</c> verb: clients under steady load while silos join, leave, restart and die.</summary>
internal sealed record ElasticityOptions
{
    public const int DefaultSilos = 2;
    public const double DefaultRate = 100;
    public const int DefaultSkus = 200;
    public const double DefaultSteadySeconds = 5;
    public const double DefaultObserveSeconds = 20;
    public const double DefaultKillWindowSeconds = 5;
    public const double DefaultTimeoutSeconds = 15;

    public int Silos { get; init; } = DefaultSilos;

    /// <summary>Operations per second, open loop: three reservations to one receipt.</summary>
    public double Rate { get; init; } = DefaultRate;

    /// <summary>SKUs reserved from (and as many received at), each at one location.</summary>
    public int Skus { get; init; } = DefaultSkus;

    public IReadOnlyList<ClusterChange> Changes { get; init; } = ClusterChanges.All;

    public double SteadySeconds { get; init; } = DefaultSteadySeconds;

    public double ObserveSeconds { get; init; } = DefaultObserveSeconds;

    public double KillWindowSeconds { get; init; } = DefaultKillWindowSeconds;

    /// <summary>A request with no answer after this long counts as left hanging (and is sent again).</summary>
    public double TimeoutSeconds { get; init; } = DefaultTimeoutSeconds;

    public string? Connection { get; init; }

    public bool NoBuild { get; init; }

    public string? OutFile { get; init; }

    public static ElasticityOptions Parse(IReadOnlyList<string> args)
    {
        var values = OptionReader.Parse(args, KnownOptions, Flags);
        return new ElasticityOptions
        {
            Silos = values.Integer("--silos", DefaultSilos, min: 2, max: 8),
            Rate = values.Number("--rate", DefaultRate, min: 1, max: 10_000),
            Skus = values.Integer("--skus", DefaultSkus, min: 1, max: 100_000),
            Changes = values.Text("--changes") is { } changes ? ParseChanges(changes) : ClusterChanges.All,
            SteadySeconds = values.Number("--steady", DefaultSteadySeconds, min: 1, max: 600),
            ObserveSeconds = values.Number("--observe", DefaultObserveSeconds, min: 1, max: 600),
            KillWindowSeconds = values.Number("--kill-window", DefaultKillWindowSeconds, min: 0.1, max: 600),
            TimeoutSeconds = values.Number("--timeout", DefaultTimeoutSeconds, min: 1, max: 600),
            Connection = values.Text("--connection") is { } connection ? CompareOptions.ValidConnection(connection) : null,
            NoBuild = values.Flag("--no-build"),
            OutFile = values.OutFile("--out"),
        };
    }

    private static List<ClusterChange> ParseChanges(string text)
    {
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var changes = new List<ClusterChange>();
        foreach (var name in names)
        {
            var change = ClusterChanges.All.Where(c => c.Name() == name).Select(c => (ClusterChange?)c).FirstOrDefault()
                ?? throw new UsageException("--changes", $"'{name}' is not a change; the changes are {string.Join(", ", ClusterChanges.All.Select(c => c.Name()))}.");
            changes.Add(change);
        }

        return changes.Count > 0 ? changes : throw new UsageException("--changes", "names no change.");
    }

    public static string Usage => $"""
        usage:
          dotnet run -c Release --project load-tests -- elasticity [--silos <n>] [--rate <ops/s>] [--changes join,leave,rolling,kill] [--out <file.json>] [options]

        Starts PostgreSQL (unless --connection), a fresh database, --silos Grid silos and a gateway process serving the
        API; seeds --skus SKUs; then runs open-loop client load (reservations of one unit and warehouse receipts of
        one unit, 3 to 1, each with an id of its own, retried on 503/429 after Retry-After and on a timeout) while
        the cluster changes, in this order: join (a silo joins), leave (the newest silo gets SIGTERM), rolling
        (every silo in turn gets SIGTERM and a replacement), kill (a silo gets SIGKILL; a replacement starts after
        the observation). Each change follows --steady seconds of steady load and is observed for --observe seconds,
        while GET /api/v1/ops/cluster is read until the activations are balanced (max / min <= 1.5).
        Reports per change the failed requests by kind, when the last one ended, latency, and the time until
        balanced; then checks that every acknowledged reservation and receipt took effect exactly once.
        Targets: no failed request for join, leave and rolling; for kill only 503 with Retry-After, no request
        left hanging (--timeout), and failures ended within --kill-window seconds of the kill. Exit code 3 when a
        target is missed.

        options:
          --silos <n>          silos at the start, default {DefaultSilos} (at least 2)
          --rate <ops/s>       operations per second, default {DefaultRate}
          --skus <n>           SKUs reserved from and received at, default {DefaultSkus}
          --changes <list>     which changes, comma-separated, default join,leave,rolling,kill
          --steady <s>         steady load before each change, default {DefaultSteadySeconds}
          --observe <s>        observation after each change, default {DefaultObserveSeconds}
          --kill-window <s>    how soon after a kill failures must end, default {DefaultKillWindowSeconds}
          --timeout <s>        a request unanswered this long counts as hanging, default {DefaultTimeoutSeconds}
          --connection <cs>    Npgsql connection string of the PostgreSQL server to use (default: the private
                               server scripts/postgres.sh starts on 127.0.0.1:55432); a fresh database is made on it
          --no-build           do not build Grid (Release) first
          --out <file.json>    also write the result as JSON; the processes' logs go beside it
        """;

    private static readonly HashSet<string> KnownOptions = new(StringComparer.Ordinal)
    {
        "--silos", "--rate", "--skus", "--changes", "--steady", "--observe", "--kill-window", "--timeout", "--connection", "--out",
    };

    private static readonly HashSet<string> Flags = new(StringComparer.Ordinal) { "--no-build" };
}
