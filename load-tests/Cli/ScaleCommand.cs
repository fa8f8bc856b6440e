using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Grid.LoadTests.Compare;
using Grid.LoadTests.Http;
using Grid.LoadTests.Reporting;
using Grid.LoadTests.Running;
using Grid.LoadTests.Scenarios;

namespace Grid.LoadTests.Cli;

/// <summary>
/// <c>scale</c>: PostgreSQL, a fresh database and one Grid silo started here; the silo warmed up and its resident
/// memory read; N SKU-locations seeded (each an active grain holding state); the memory read again; ATP reads over the
/// seeded SKUs while they are resident; the memory read once more. The silo is killed and the database dropped at the
/// end, whether the run succeeded, failed or was interrupted.
/// </summary>
internal static class ScaleCommand
{
    /// <summary>Units received at each seeded SKU-location.</summary>
    public const long Quantity = 100;

    /// <summary>SKU-locations seeded (under a prefix of their own) before the baseline memory reading, to warm the paths up.</summary>
    private const int WarmupSkuLocations = 1_000;

    /// <summary>Orleans' default idle time before an activation is collected (Grid does not change it).</summary>
    private static readonly TimeSpan ActivationCollectionAge = TimeSpan.FromMinutes(15);

    private static readonly TimeSpan WarmupReads = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SettleBeforeBaseline = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan SettleAfterSeeding = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan SettleAfterReads = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ReadLeadIn = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MinSettleAfterGc = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan MaxSettleAfterGc = TimeSpan.FromSeconds(15);

    /// <summary>Resident memory counts as settled after a full GC once it falls by less than this in a second.</summary>
    private const long SettledWithin = 1024 * 1024;
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(RunOptions.DefaultTimeoutSeconds);

    public static async Task<int> ExecuteAsync(ScaleOptions options, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new RunFailedException("scale reads the silo's memory from /proc/<pid>/status, so it runs on Linux only.");
        }

        var (root, server, postgresVersion, gridCommit) = await BenchSetup.PrepareAsync(options.Connection, options.NoBuild, cancellationToken);
        var database = BenchSetup.DatabaseName("grid_scale");
        await using var databases = await BenchDatabases.CreateAsync(server, [database], cancellationToken);
        await Console.Error.WriteLineAsync($"PostgreSQL {postgresVersion} at {BenchPostgres.Describe(server)}; database {database}");

        var grid = Servers.StartGrid(root, databases.ConnectionString(database), Servers.GridLogFile(options.OutFile, database));
        await Console.Error.WriteLineAsync($"Grid silo log: {grid.Process.LogFile}");
        await using var gridProcess = grid.Process;
        await Servers.WaitReadyAsync(grid, waitForStartedLine: true, cancellationToken);
        await Console.Error.WriteLineAsync($"Grid silo ready at {grid.BaseUri} (pid {grid.Process.Id})");

        var environment = new CompareEnvironment(
            Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, postgresVersion, gridCommit);
        return await MeasureAsync(options, grid, environment, cancellationToken);
    }

    private static async Task<int> MeasureAsync(ScaleOptions options, ServerProcess grid, CompareEnvironment environment, CancellationToken cancellationToken)
    {
        var runPrefix = ScenarioSettings.NewRunPrefix();
        var layout = new ScaleLayout(runPrefix, options.Skus, options.LocationsPerSku, Quantity);
        var warmupLayout = new ScaleLayout(runPrefix + "w", Math.Max(1, WarmupSkuLocations / options.LocationsPerSku), options.LocationsPerSku, Quantity);
        var startedAt = DateTimeOffset.UtcNow;
        var warnings = new List<string>();

        using var seedClient = GridHttp.CreateClient(grid.BaseUri, options.SeedConcurrency, StockSeeder.RequestTimeout, apiKey: Servers.GridApiKey);
        using var readClient = GridHttp.CreateClient(grid.BaseUri, options.Clients, ReadTimeout, apiKey: Servers.GridApiKey);

        // 1. Warm-up: the seeding and read paths once (JIT, connection pools, Orleans' caches), then the baseline reading.
        await Console.Error.WriteLineAsync(Invariant(
            $"warming up: {warmupLayout.SkuLocations:N0} SKU-locations under prefix {warmupLayout.RunPrefix}, then {WarmupReads.TotalSeconds:0} s of ATP reads on them"));
        await ScaleSeeder.SeedAsync(grid, seedClient, warmupLayout, options.SeedConcurrency, reportProgress: false, cancellationToken);
        var warmupReads = await ReadAsync(grid, readClient, warmupLayout, new LoadProfile(
            TimeSpan.Zero, WarmupReads, options.Clients, null, Math.Max(options.Clients * 4, 16), ReadTimeout), cancellationToken);
        await Console.Error.WriteLineAsync($"warm-up reads: {Summary(warmupReads)}");
        await Task.Delay(SettleBeforeBaseline, cancellationToken);
        var before = await ReadMemoryAsync(grid, "before seeding", warnings, cancellationToken);

        // 2. Seeding: every SKU-location becomes an active grain holding state, plus one SKU grain per SKU.
        await Console.Error.WriteLineAsync(Invariant(
            $"seeding {layout.SkuLocations:N0} SKU-locations ({layout.Skus:N0} SKUs x {layout.LocationsPerSku} locations, {Quantity} units each) under prefix {layout.RunPrefix}: {layout.Batches:N0} requests of up to {StockSeeder.MaxEventsPerRequest:N0} receipts, {options.SeedConcurrency} in flight"));
        var seedStarted = Stopwatch.StartNew();
        var (seeded, seedElapsed) = await ScaleSeeder.SeedAsync(grid, seedClient, layout, options.SeedConcurrency, reportProgress: true, cancellationToken, warnings);
        var seedRate = seeded / seedElapsed.TotalSeconds;
        await Console.Error.WriteLineAsync(Invariant(
            $"seeded {seeded:N0} SKU-locations in {ScaleSeeder.Duration(seedElapsed)} ({seedRate:N0}/s); letting the silo settle for {SettleAfterSeeding.TotalSeconds:0} s"));

        // 3. Memory with everything resident. After a long seeding the first SKU-locations have been idle for a long
        // time, and Orleans deactivates what is idle for its collection age: read them all once first.
        await Task.Delay(SettleAfterSeeding, cancellationToken);
        ThrowIfExited(grid, "after seeding");

        // When (on the seeding clock) the SKU-locations touched first were last touched: the start of seeding, or of the refresh.
        var residentSince = TimeSpan.Zero;
        double? refreshSeconds = null;
        if (seedElapsed > TimeSpan.FromMinutes(options.RefreshAfterMinutes))
        {
            await Console.Error.WriteLineAsync(Invariant(
                $"seeding took {ScaleSeeder.Duration(seedElapsed)}, more than --refresh-after {options.RefreshAfterMinutes:0.#} min: reading every SKU-location and SKU once, so that none has been idle for Orleans' collection age ({ActivationCollectionAge.TotalMinutes:0} min) when the memory is read"));
            var refreshed = await ScaleSeeder.TouchAsync(grid, readClient, layout, options.Clients, cancellationToken);
            refreshSeconds = Math.Round(refreshed.TotalSeconds, 1);
            residentSince = seedStarted.Elapsed - refreshed;
            await Console.Error.WriteLineAsync($"refreshed {layout.SkuLocations:N0} SKU-locations and {layout.Skus:N0} SKUs in {ScaleSeeder.Duration(refreshed)}; letting the silo settle for {SettleAfterSeeding.TotalSeconds:0} s");
            await Task.Delay(SettleAfterSeeding, cancellationToken);
            ThrowIfExited(grid, "after the refresh");
        }

        var oldestIdle = seedStarted.Elapsed - residentSince;
        var afterSeed = await ReadMemoryAsync(grid, "after seeding", warnings, cancellationToken);
        if (oldestIdle > TimeSpan.FromMinutes(10))
        {
            warnings.Add(Invariant(
                $"the memory after seeding was read when the first SKU-locations had been idle for {ScaleSeeder.Duration(oldestIdle)}. Orleans deactivates activations idle for its collection age (default {ActivationCollectionAge.TotalMinutes:0} min, checked every minute); past it the earliest SKU-locations may no longer be resident and the figures per SKU-location understate (lower --refresh-after)."));
        }

        // 4. ATP reads while they are resident.
        await Console.Error.WriteLineAsync(Invariant(
            $"ATP reads: GET /api/v1/atp/{{sku}} uniform over {layout.Skus:N0} SKUs, closed loop x{options.Clients}, {ReadLeadIn.TotalSeconds:0} s unmeasured + {options.ReadDurationSeconds:0.#} s"));
        var read = await ReadAsync(grid, readClient, layout, new LoadProfile(
            ReadLeadIn, TimeSpan.FromSeconds(options.ReadDurationSeconds), options.Clients, null, Math.Max(options.Clients * 4, 16), ReadTimeout), cancellationToken);
        await Console.Error.WriteLineAsync($"ATP reads: {Summary(read)}");

        // 5. Memory after the reads (SKU grains answering, buffers grown by the read load).
        await Task.Delay(SettleAfterReads, cancellationToken);
        ThrowIfExited(grid, "after the read load");
        var afterReads = await ReadMemoryAsync(grid, "after the read load", warnings, cancellationToken);
        if (seedStarted.Elapsed - residentSince > ActivationCollectionAge)
        {
            warnings.Add(Invariant(
                $"the memory after the reads was read when the first SKU-locations had been idle for {ScaleSeeder.Duration(seedStarted.Elapsed - residentSince)}, past Orleans' default collection age ({ActivationCollectionAge.TotalMinutes:0} min): some may have been deactivated by then (the reads touch only the SKU grains)."));
        }

        if (read.Errors > 0)
        {
            warnings.Add($"{read.Errors} ATP read(s) failed; the Grid silo's last output lines:{Environment.NewLine}{grid.Process.Tail()}");
        }

        // 6. Report: the readings after a full GC when all three could be had, else the raw ones.
        var gc = before.AfterGc is not null && afterSeed.AfterGc is not null && afterReads.AfterGc is not null;
        var (b, s, r) = gc ? (before.AfterGc!.Value, afterSeed.AfterGc!.Value, afterReads.AfterGc!.Value) : (before.Raw, afterSeed.Raw, afterReads.Raw);
        var bytesPerSkuLocation = ScaleReport.PerSkuLocation(b.RssBytes, s.RssBytes, seeded);
        var bytesAfterReads = ScaleReport.PerSkuLocation(b.RssBytes, r.RssBytes, seeded);
        var rawBytesPerSkuLocation = ScaleReport.PerSkuLocation(before.Raw.RssBytes, afterSeed.Raw.RssBytes, seeded);
        var heapPerSkuLocation = ScaleReport.PerSkuLocation(before.GcHeapBytes, afterSeed.GcHeapBytes, seeded);
        var heapAfterReads = ScaleReport.PerSkuLocation(before.GcHeapBytes, afterReads.GcHeapBytes, seeded);
        var report = new ScaleReport(
            SkuLocations: seeded,
            Skus: layout.Skus,
            LocationsPerSku: layout.LocationsPerSku,
            SeedSeconds: Math.Round(seedElapsed.TotalSeconds, 1),
            SeedRate: Math.Round(seedRate, 1),
            SeedConcurrency: options.SeedConcurrency,
            RefreshSeconds: refreshSeconds,
            RssBeforeBytes: b.RssBytes,
            RssAfterSeedBytes: s.RssBytes,
            RssAfterReadsBytes: r.RssBytes,
            BytesPerSkuLocation: bytesPerSkuLocation,
            KibPerSkuLocation: ScaleReport.Kib(bytesPerSkuLocation),
            BytesPerSkuLocationAfterReads: bytesAfterReads,
            KibPerSkuLocationAfterReads: ScaleReport.Kib(bytesAfterReads),
            TargetKibPerSkuLocation: ScaleReport.TargetKib,
            FullGcInduced: gc,
            GcHeapBeforeBytes: before.GcHeapBytes,
            GcHeapAfterSeedBytes: afterSeed.GcHeapBytes,
            GcHeapAfterReadsBytes: afterReads.GcHeapBytes,
            GcHeapBytesPerSkuLocation: heapPerSkuLocation,
            GcHeapKibPerSkuLocation: ScaleReport.Kib(heapPerSkuLocation),
            GcHeapBytesPerSkuLocationAfterReads: heapAfterReads,
            GcHeapKibPerSkuLocationAfterReads: ScaleReport.Kib(heapAfterReads),
            RawRssBeforeBytes: before.Raw.RssBytes,
            RawRssAfterSeedBytes: afterSeed.Raw.RssBytes,
            RawRssAfterReadsBytes: afterReads.Raw.RssBytes,
            RawBytesPerSkuLocation: rawBytesPerSkuLocation,
            RawKibPerSkuLocation: ScaleReport.Kib(rawBytesPerSkuLocation),
            RssAnonBeforeBytes: b.RssAnonBytes,
            RssAnonAfterSeedBytes: s.RssAnonBytes,
            RssAnonAfterReadsBytes: r.RssAnonBytes,
            RssPeakBytes: new[] { before, afterSeed, afterReads }
                .SelectMany(m => new[] { m.Raw.RssBytes, m.Raw.PeakRssBytes, m.AfterGc?.RssBytes ?? 0, m.AfterGc?.PeakRssBytes ?? 0 })
                .Max(),
            Memory: gc ? ScaleReport.MemoryNoteAfterGc : ScaleReport.MemoryNoteRaw,
            ReadDurationSeconds: options.ReadDurationSeconds,
            ReadClients: options.Clients,
            Read: read,
            Warnings: warnings,
            StartedAt: startedAt,
            Environment: environment);

        report.WriteSummary(Console.Out);
        if (options.OutFile is not null)
        {
            await report.WriteJsonAsync(options.OutFile, cancellationToken);
            await Console.Error.WriteLineAsync($"wrote {options.OutFile}");
        }

        return read.Requests == 0 || read.Errors == read.Requests
            ? throw new RunFailedException(
                $"ATP reads: {(read.Requests == 0 ? "no request completed inside the measured window" : "every request failed")}; see the error kinds above.")
            : ExitCodes.Success;
    }

    /// <summary>
    /// The silo's memory as found, then (when its diagnostics port lets us) after a full blocking GC, once its resident
    /// memory has stopped falling: the GC hands freed regions back to the OS over a few seconds.
    /// </summary>
    private static async Task<MemoryReading> ReadMemoryAsync(ServerProcess grid, string label, List<string> warnings, CancellationToken cancellationToken)
    {
        var pid = grid.Process.Id;
        var raw = ProcessMemory.Read(pid);
        var gc = await DiagnosticsPort.InduceFullGcAsync(pid, cancellationToken);
        if (gc.Problem is not null)
        {
            warnings.Add($"{label}: no full GC could be induced in the silo ({gc.Problem}); the memory figures are as found, garbage included, and there is no GC-heap figure.");
            await Console.Error.WriteLineAsync(
                $"silo memory {label}: VmRSS {ProcessMemory.Mib(raw.RssBytes)} (RssAnon {ProcessMemory.Mib(raw.RssAnonBytes)}); no full GC: {gc.Problem}");
            return new MemoryReading(raw, null, null);
        }

        if (gc.HeapProblem is not null)
        {
            warnings.Add($"{label}: the full GC ran but its heap size could not be read: {gc.HeapProblem}");
        }

        var settled = ProcessMemory.Read(pid);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < MaxSettleAfterGc)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            var next = ProcessMemory.Read(pid);
            var falling = settled.RssBytes - next.RssBytes > SettledWithin;
            settled = next;
            if (!falling && clock.Elapsed >= MinSettleAfterGc)
            {
                break;
            }
        }

        await Console.Error.WriteLineAsync(
            $"silo memory {label}: VmRSS {ProcessMemory.Mib(raw.RssBytes)} (RssAnon {ProcessMemory.Mib(raw.RssAnonBytes)}); after a full GC: " +
            $"GC heap {(gc.HeapBytes is { } heap ? ProcessMemory.Mib(heap) : "?")}, VmRSS {ProcessMemory.Mib(settled.RssBytes)} (RssAnon {ProcessMemory.Mib(settled.RssAnonBytes)}) {clock.Elapsed.TotalSeconds:0} s later");
        return new MemoryReading(raw, settled, gc.HeapBytes);
    }

    private static async Task<ScenarioResult> ReadAsync(
        ServerProcess grid, HttpClient client, ScaleLayout layout, LoadProfile profile, CancellationToken cancellationToken)
    {
        var measurement = await new LoadRunner(client).RunAsync(new AtpReadScenario(layout.Settings), profile, cancellationToken);
        ThrowIfExited(grid, "under the ATP read load");
        return ScenarioResult.From(measurement, profile.Duration);
    }

    private static void ThrowIfExited(ServerProcess grid, string when)
    {
        if (grid.Process.Exited.IsCompleted)
        {
            throw grid.Process.Failed($"exited with code {grid.Process.Exited.Result} {when}");
        }
    }

    private static string Summary(ScenarioResult r)
        => Invariant($"{r.Throughput:0.0} req/s, p50 {r.P50Ms:0.00} ms, p99 {r.P99Ms:0.00} ms, max {r.MaxMs:0.00} ms, {r.Errors} errors");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>One reading of the silo's memory: as found, after a full GC, and the GC heap that GC left (nulls when it could not be had).</summary>
    private sealed record MemoryReading(ProcessMemory Raw, ProcessMemory? AfterGc, long? GcHeapBytes);
}
