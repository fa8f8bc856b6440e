using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using Grid.Inventory;
using Grid.LoadTests.Compare;
using Grid.LoadTests.InProcess;
using Grid.LoadTests.Reporting;
using Grid.LoadTests.Scenarios;

namespace Grid.LoadTests.Cli;

/// <summary>
/// <c>grain-calls</c>: a dev-mode Grid silo hosted in this process; SKU-locations seeded through their grains; then,
/// round by round, each call kind driven in a closed loop from this process (no HTTP, no network). Reports the median
/// calls/s and latencies per call kind against the 100,000 calls/s target, and the bare ping for context.
/// </summary>
internal static class GrainCallsCommand
{
    /// <summary>SKU-locations seeded (under a prefix of their own) before the heap is first read, to warm the paths up.</summary>
    private const int WarmupSkuLocations = 100;

    private const int SeedConcurrency = 64;
    private const long Quantity = 100;
    private const string Source = "grain-calls";

    public static async Task<int> ExecuteAsync(GrainCallsOptions options, CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var root = RepositoryRoot.Find();
        var gridCommit = root is null ? null : await CompareCommand.GitDescribeAsync(root, cancellationToken);

        await Console.Error.WriteLineAsync("starting a dev-mode silo in this process ...");
        await using var silo = await InProcessSilo.StartAsync(cancellationToken);
        var grains = silo.Grains;

        var runPrefix = ScenarioSettings.NewRunPrefix();
        await SeedAsync(grains, runPrefix + "w", Math.Max(1, WarmupSkuLocations / options.LocationsPerSku), options.LocationsPerSku, cancellationToken);
        var heapBefore = FullGcHeap();

        await Console.Error.WriteLineAsync(Invariant($"seeding {options.SkuLocations:N0} SKU-locations ({options.Skus:N0} SKUs x {options.LocationsPerSku}) ..."));
        var seedTimer = Stopwatch.StartNew();
        var (skus, skuLocations) = await SeedAsync(grains, runPrefix, options.Skus, options.LocationsPerSku, cancellationToken);
        var seedSeconds = seedTimer.Elapsed.TotalSeconds;
        var heapAfter = FullGcHeap();
        await Console.Error.WriteLineAsync(Invariant($"seeded in {seedSeconds:0.0} s; heap {heapBefore / 1048576.0:0.0} -> {heapAfter / 1048576.0:0.0} MiB"));

        // One ping grain per SKU, activated before the first round (and after the heap reading).
        var pings = options.CallNames.Contains("ping") ? Enumerable.Range(0, options.Skus).Select(i => grains.GetGrain<IPingGrain>(i)).ToArray() : [];
        await ForEachAsync(pings.Length, i => pings[i].Ping(i), cancellationToken);

        var locations = ImmutableArray<string>.Empty;
        var calls = new Dictionary<string, (Func<int, Task> Call, int Keys)>(StringComparer.Ordinal)
        {
            ["ping"] = (i => pings[i].Ping(i), pings.Length),
            ["sku-atp"] = (i => skus[i].GetAvailability(AvailabilityQuery.Now, locations), skus.Length),
            ["location-atp"] = (i => skuLocations[i].GetAvailability(AvailabilityQuery.Now), skuLocations.Length),
        };

        var warmup = TimeSpan.FromSeconds(options.WarmupSeconds);
        var duration = TimeSpan.FromSeconds(options.DurationSeconds);
        var perRound = new List<GrainCallRound>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            foreach (var name in options.CallNames)
            {
                var (call, keys) = calls[name];
                var gc = GcCounters.Now();
                var measurement = await GrainCallRunner.RunAsync(call, keys, options.Clients, warmup, duration, cancellationToken);
                var gcDuring = GcCounters.Now() - gc;
                var result = ScenarioResult.From(measurement, duration);
                var completed = Math.Max(1, measurement.Latency.TotalCount);
                var record = new GrainCallRound(
                    round,
                    name,
                    result,
                    MeanMs(measurement),
                    Math.Round(gcDuring.Pause / gcDuring.Elapsed, 3),
                    Math.Round(gcDuring.Allocated / (double)completed, 0),
                    gcDuring.Gen0,
                    gcDuring.Gen1,
                    gcDuring.Gen2);
                perRound.Add(record);
                await Console.Error.WriteLineAsync(Invariant(
                    $"round {round}/{options.Rounds} {name,-12}: {result.Throughput:N0} calls/s, mean {record.MeanMs:0.000} ms, p50 {result.P50Ms:0.000} ms, p99 {result.P99Ms:0.000} ms, {result.Errors} errors, GC paused {record.GcPauseShare:P0}, {record.AllocatedBytesPerCall:N0} B/call"));
            }
        }

        var medians = options.CallNames
            .Select(name => (Name: name, Rounds: perRound.Where(r => r.Call == name).ToList()))
            .Select(m => (m.Name, m.Rounds, Median: SideFigures.Median([.. m.Rounds.Select(r => r.Result)])))
            .ToList();
        var ping = medians.FirstOrDefault(m => m.Name == "ping").Median;
        var figures = medians.Select(m => new GrainCallFigures(
            m.Name,
            m.Median,
            Math.Round(Median(m.Rounds, r => r.MeanMs), 3),
            Math.Round(Median(m.Rounds, r => r.GcPauseShare), 3),
            Math.Round(Median(m.Rounds, r => r.AllocatedBytesPerCall), 0),
            ping is null || m.Name == "ping" ? null : CompareReport.RatioOf(m.Median.Throughput, ping.Throughput),
            m.Name == "ping" ? null : m.Median.Throughput >= GrainCallsReport.Target)).ToList();

        var report = new GrainCallsReport(
            options.Skus,
            options.LocationsPerSku,
            options.SkuLocations,
            options.Clients,
            options.Rounds,
            options.DurationSeconds,
            options.WarmupSeconds,
            Math.Round(seedSeconds, 2),
            Math.Round(options.SkuLocations / seedSeconds, 1),
            heapBefore,
            heapAfter,
            Math.Round((heapAfter - heapBefore) / (double)options.SkuLocations, 1),
            GrainCallsReport.HeapNoteText,
            GrainCallsReport.Target,
            CompareReport.MedianOverRounds,
            figures,
            perRound,
            startedAt,
            new GrainCallsEnvironment(
                Environment.ProcessorCount,
                RuntimeInformation.OSDescription,
                RuntimeInformation.FrameworkDescription,
                GCSettings.IsServerGC,
                GCSettings.LatencyMode != GCLatencyMode.Batch,
                gridCommit));

        report.WriteSummary(Console.Out);
        if (options.OutFile is { } path)
        {
            await report.WriteJsonAsync(path, cancellationToken);
            await Console.Error.WriteLineAsync($"wrote {path}");
        }

        return perRound.All(r => r.Result.Requests > 0 && r.Result.Errors == r.Result.Requests) ? ExitCodes.RunFailed : ExitCodes.Success;
    }

    /// <summary>One receipt per SKU-location through its grain; returns the SKU and SKU-location grains, index-aligned with the layout.</summary>
    private static async Task<(ISkuGrain[] Skus, IInventoryGrain[] SkuLocations)> SeedAsync(
        IGrainFactory grains, string prefix, int skuCount, int locationsPerSku, CancellationToken cancellationToken)
    {
        var settings = new ScenarioSettings(prefix, skuCount, ScaleLayout.Location(0));
        var skus = Enumerable.Range(0, skuCount).Select(i => grains.GetGrain<ISkuGrain>(Identifiers.SkuGrainKey(settings.Sku(i)))).ToArray();
        var skuLocations = Enumerable.Range(0, skuCount * locationsPerSku)
            .Select(i => grains.GetGrain<IInventoryGrain>(Identifiers.SkuLocationKey(settings.Sku(i / locationsPerSku), ScaleLayout.Location(i % locationsPerSku))))
            .ToArray();
        var occurredAt = DateTimeOffset.UtcNow;
        await ForEachAsync(skuLocations.Length, async i =>
        {
            var receipt = new WarehouseMovement($"{prefix}-s{i.ToString(CultureInfo.InvariantCulture)}", Source, occurredAt, MovementType.Receipt, Quantity);
            var outcome = await skuLocations[i].ApplyMovements([receipt]);
            if (outcome[0].Code != MovementOutcomeCode.Applied)
            {
                throw new RunFailedException($"seeding receipt {i} was not applied: {outcome[0].Code} {outcome[0].Detail}");
            }
        }, cancellationToken);
        return (skus, skuLocations);
    }

    private static Task ForEachAsync(int count, Func<int, Task> action, CancellationToken cancellationToken)
        => Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = SeedConcurrency, CancellationToken = cancellationToken },
            async (i, _) => await action(i));

    private static double Median(IReadOnlyList<GrainCallRound> rounds, Func<GrainCallRound, double> figure)
    {
        var sorted = rounds.Select(figure).Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>Mean latency of the recorded calls, in milliseconds.</summary>
    private static double MeanMs(Running.Measurement measurement)
    {
        var histogram = measurement.Latency;
        if (histogram.TotalCount == 0)
        {
            return 0;
        }

        double sum = 0;
        foreach (var bucket in histogram.RecordedValues())
        {
            sum += (double)histogram.MedianEquivalentValue(bucket.ValueIteratedTo) * bucket.CountAddedInThisIterationStep;
        }

        return Math.Round(sum / histogram.TotalCount / 1000, 3);
    }

    /// <summary>This process's GC counters at one moment; the difference of two is what happened between them.</summary>
    private readonly record struct GcCounters(long Ticks, TimeSpan PauseTime, long Allocated, int Gen0, int Gen1, int Gen2)
    {
        public double Elapsed => Ticks / (double)Stopwatch.Frequency;

        public double Pause => PauseTime.TotalSeconds;

        public static GcCounters Now() => new(
            Stopwatch.GetTimestamp(),
            GC.GetTotalPauseDuration(),
            GC.GetTotalAllocatedBytes(precise: false),
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2));

        public static GcCounters operator -(GcCounters later, GcCounters earlier) => new(
            later.Ticks - earlier.Ticks,
            later.PauseTime - earlier.PauseTime,
            later.Allocated - earlier.Allocated,
            later.Gen0 - earlier.Gen0,
            later.Gen1 - earlier.Gen1,
            later.Gen2 - earlier.Gen2);
    }

    private static long FullGcHeap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
