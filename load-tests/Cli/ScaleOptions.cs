namespace Grid.LoadTests.Cli;

/// <summary>The options of the <c>scale</c> verb: memory per active SKU-location and ATP reads while they are resident.</summary>
internal sealed record ScaleOptions
{
    public const int DefaultSkuLocations = 1_000_000;
    public const int DefaultLocationsPerSku = 10;
    public const double DefaultReadDurationSeconds = 10;
    public const int DefaultSeedConcurrency = 8;
    public const double DefaultRefreshAfterMinutes = 10;

    public int SkuLocations { get; init; } = DefaultSkuLocations;

    public int LocationsPerSku { get; init; } = DefaultLocationsPerSku;

    public int Skus => SkuLocations / LocationsPerSku;

    public double ReadDurationSeconds { get; init; } = DefaultReadDurationSeconds;

    public int Clients { get; init; } = RunOptions.DefaultClients;

    /// <summary>Seeding requests (1,000 receipts each) in flight at once.</summary>
    public int SeedConcurrency { get; init; } = DefaultSeedConcurrency;

    /// <summary>
    /// When seeding takes longer than this, every SKU-location and SKU is read once before the memory is read, so that
    /// none has been idle for Orleans' activation collection age (15 minutes by default).
    /// </summary>
    public double RefreshAfterMinutes { get; init; } = DefaultRefreshAfterMinutes;

    /// <summary>The PostgreSQL server to use (any database on it); null: the repository's private server.</summary>
    public string? Connection { get; init; }

    public bool NoBuild { get; init; }

    public string? OutFile { get; init; }

    public static ScaleOptions Parse(IReadOnlyList<string> args)
    {
        var values = OptionReader.Parse(args, KnownOptions, Flags);
        var options = new ScaleOptions
        {
            SkuLocations = values.Integer("--sku-locations", DefaultSkuLocations, min: 1, max: 10_000_000),
            LocationsPerSku = values.Integer("--locations-per-sku", DefaultLocationsPerSku, min: 1, max: 1_000),
            ReadDurationSeconds = values.Number("--read-duration", DefaultReadDurationSeconds, min: 0.1, max: 3600),
            Clients = values.Integer("--clients", RunOptions.DefaultClients, min: 1, max: 10_000),
            SeedConcurrency = values.Integer("--seed-concurrency", DefaultSeedConcurrency, min: 1, max: 64),
            RefreshAfterMinutes = values.Number("--refresh-after", DefaultRefreshAfterMinutes, min: 0, max: 10_000),
            Connection = values.Text("--connection") is { } connection ? CompareOptions.ValidConnection(connection) : null,
            NoBuild = values.Flag("--no-build"),
            OutFile = values.OutFile("--out"),
        };

        if (options.SkuLocations % options.LocationsPerSku != 0)
        {
            throw new UsageException(
                "--sku-locations",
                $"must be a multiple of --locations-per-sku ({options.LocationsPerSku}), so that every SKU has the same locations; got {options.SkuLocations}.");
        }

        return options;
    }

    public static string Usage => $"""
        usage:
          dotnet run -c Release --project load-tests -- scale [--sku-locations <n>] [--locations-per-sku <n>] [--out <file.json>] [options]

        Starts PostgreSQL (unless --connection), a fresh database and one Grid silo (PostgreSQL mode, gateway hosted);
        warms it up and reads its memory; seeds --sku-locations SKU-locations (one receipt each, so each is an active
        grain holding state, plus one SKU grain per SKU; where Grid queues events, until its queues are empty, replaying
        what it dead-lettered); reads the memory again; runs atp-read over the seeded SKUs
        while they are resident; reads the memory once more. Each memory reading: VmRSS as found, then a full GC
        induced through the silo's .NET diagnostics port, the GC heap it left and VmRSS after it. Reports bytes per
        active SKU-location (GC heap and VmRSS) against the 4 KiB target, and the reads.

        options:
          --sku-locations <n>      SKU-locations to make resident, default {DefaultSkuLocations:N0}; a multiple of --locations-per-sku
          --locations-per-sku <n>  locations per SKU (L0, L1, ...), default {DefaultLocationsPerSku}
          --read-duration <s>      measured ATP-read time, default {DefaultReadDurationSeconds} (after 1 s unmeasured)
          --clients <n>            closed-loop ATP-read clients, default {RunOptions.DefaultClients}
          --seed-concurrency <n>   seeding requests (1,000 receipts each) in flight, default {DefaultSeedConcurrency}
          --refresh-after <min>    when seeding takes longer, read every SKU-location and SKU once before the memory
                                   reading, so that Orleans (idle collection after 15 min) has deactivated none,
                                   default {DefaultRefreshAfterMinutes}
          --connection <cs>        Npgsql connection string of the PostgreSQL server to use (default: the private
                                   server scripts/postgres.sh starts on 127.0.0.1:55432); a fresh database is made on it
          --no-build               do not build silo/Grid.Silo.csproj (Release) first
          --out <file.json>        also write the result as JSON

        Linux only (the silo's memory is read from /proc/<pid>/status).
        """;

    private static readonly HashSet<string> KnownOptions = new(StringComparer.Ordinal)
    {
        "--sku-locations", "--locations-per-sku", "--read-duration", "--clients", "--seed-concurrency", "--refresh-after", "--connection", "--out",
    };

    private static readonly HashSet<string> Flags = new(StringComparer.Ordinal) { "--no-build" };
}
