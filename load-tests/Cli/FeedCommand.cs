using System.Diagnostics;
using System.Runtime.InteropServices;
using Grid.LoadTests.Compare;
using Grid.LoadTests.Http;
using Grid.LoadTests.Reporting;
using Grid.LoadTests.Scenarios;

namespace Grid.LoadTests.Cli;

/// <summary>
/// <c>compare --scenario availability-feed</c> and <c>availability-export</c>, Grid alone (the baseline has no feed):
/// the first opens <c>--clients</c> event streams and writes reservations at <c>--rate</c> for <c>--duration</c>,
/// timing each change to the subscribers; the second times an export of <c>--skus</c> SKU-locations.
/// </summary>
internal static class FeedCommand
{
    public const string StreamScenario = "availability-feed";
    public const string ExportScenario = "availability-export";

    public const double DefaultRate = 100;

    private static readonly TimeSpan MemorySampling = TimeSpan.FromMilliseconds(100);

    public static bool Handles(string scenario) => scenario is StreamScenario or ExportScenario;

    public static async Task<int> ExecuteAsync(CompareOptions options, CancellationToken cancellationToken)
    {
        var (root, server, postgresVersion, gridCommit) = await BenchSetup.PrepareAsync(options.Connection, options.NoBuild, cancellationToken);
        var database = BenchSetup.DatabaseName("grid_feed");
        await using var databases = await BenchDatabases.CreateAsync(server, [database], cancellationToken);
        var grid = Servers.StartGrid(root, databases.ConnectionString(database), Servers.GridLogFile(options.OutFile, database));
        await Console.Error.WriteLineAsync($"PostgreSQL {postgresVersion}; Grid silo log: {grid.Process.LogFile}");
        await using var gridProcess = grid.Process;
        await Servers.WaitReadyAsync(grid, waitForStartedLine: true, cancellationToken);

        using var client = GridHttp.CreateClient(grid.BaseUri, 64, StockSeeder.RequestTimeout, apiKey: Servers.GridApiKey);
        var settings = new ScenarioSettings(ScenarioSettings.NewRunPrefix(), options.Skus, ScenarioSettings.DefaultLocation);
        var seeding = Stopwatch.StartNew();
        var seeded = await StockSeeder.SeedAsync(client, settings.RunPrefix, new ReserveSpreadScenario(settings).InitialStock(), cancellationToken);

        // Receipts are answered once queued: wait until every one is applied, so that each SKU-location exists.
        await EventQueues.WaitUntilEmptyAsync(client, TimeSpan.FromMilliseconds(200), TimeSpan.FromMinutes(10), cancellationToken, appliedTarget: seeded);
        await Console.Error.WriteLineAsync($"seeded {options.Skus:N0} SKU-locations in {seeding.Elapsed.TotalSeconds:0} s");

        var startedAt = DateTimeOffset.UtcNow;
        var stream = options.Scenario == StreamScenario ? await StreamAsync(grid, client, settings, options, cancellationToken) : null;
        var export = options.Scenario == ExportScenario ? await ExportAsync(grid, client, settings, cancellationToken) : null;
        var report = new FeedReport(
            options.Scenario, startedAt, options.Skus, stream, export,
            new CompareEnvironment(Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, postgresVersion, gridCommit));
        report.WriteTable(Console.Out);
        if (options.OutFile is not null)
        {
            await report.WriteJsonAsync(options.OutFile, cancellationToken);
            await Console.Error.WriteLineAsync($"wrote {options.OutFile}");
        }

        return ExitCodes.Success;
    }

    private static async Task<FeedStreamFigures> StreamAsync(ServerProcess grid, HttpClient client, ScenarioSettings settings, CompareOptions options, CancellationToken cancellationToken)
    {
        var skus = Enumerable.Range(0, settings.SkuCount).Select(settings.Sku).ToList();
        var writes = new FeedWrites(client, skus, settings.Location, settings.IdPrefix);
        await using var subscribers = await FeedSubscribers.OpenAsync(grid.BaseUri, Servers.GridApiKey, settings.Location, options.Clients, writes, cancellationToken);
        await Console.Error.WriteLineAsync($"{subscribers.Count:N0} subscribers following the stream");

        // The seeding's own changes reach every subscriber first (they follow from the start of the feed).
        await WaitForAsync(() => subscribers.HaveAtLeast(settings.SkuCount) == subscribers.Count, TimeSpan.FromSeconds(120), cancellationToken);
        var before = subscribers.Received;
        var cpu = ProcessCpu.Of(grid.Process.Id);
        var rate = options.Rate ?? DefaultRate;
        var duration = TimeSpan.FromSeconds(options.DurationSeconds);
        var clock = Stopwatch.StartNew();
        await writes.RunAsync(rate, duration, cancellationToken);
        var expected = settings.SkuCount + writes.Made - writes.Failed;
        await WaitForAsync(() => subscribers.HaveAtLeast(expected) == subscribers.Count, TimeSpan.FromSeconds(30), cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        var busy = ProcessCpu.Of(grid.Process.Id) - cpu;
        var latencies = subscribers.LatenciesMs.Order().ToArray();
        var written = writes.WriteLatenciesMs.Order().ToArray();
        var delivered = subscribers.Received - before;
        return new FeedStreamFigures(
            subscribers.Count, Math.Min(subscribers.Count, FeedSubscribers.TimedSubscribers), Math.Round(seconds, 1), writes.Made, Math.Round(writes.Made / duration.TotalSeconds, 1), writes.Failed,
            Percentiles.Of(written, 0.50), Percentiles.Of(written, 0.99),
            latencies.Length, Percentiles.Of(latencies, 0.50), Percentiles.Of(latencies, 0.99), latencies.Length == 0 ? 0 : Math.Round(latencies[^1], 1),
            subscribers.HaveAtLeast(expected), delivered, Math.Round(delivered / seconds),
            busy is { } b ? Math.Round(b.TotalSeconds / seconds, 2) : 0, Megabytes(ProcessMemory.Read(grid.Process.Id).RssBytes));
    }

    private static async Task<FeedExportFigures> ExportAsync(ServerProcess grid, HttpClient client, ScenarioSettings settings, CancellationToken cancellationToken)
    {
        var rssBefore = ProcessMemory.Read(grid.Process.Id).RssBytes;
        var peak = rssBefore;
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sampler = Task.Run(
            async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peak = Math.Max(peak, ProcessMemory.TryRead(grid.Process.Id)?.RssBytes ?? 0);
                    await Task.Delay(MemorySampling, sampling.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            },
            CancellationToken.None);

        var cpu = ProcessCpu.Of(grid.Process.Id);
        var clock = Stopwatch.StartNew();
        long lines = 0;
        long bytes = 0;
        using (var response = await client.GetAsync(new Uri($"api/v1/availability/export?locations={settings.Location}", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken))
        {
            response.EnsureSuccessStatusCode();
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                lines++;
                bytes += line.Length + 1;
            }
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var busy = ProcessCpu.Of(grid.Process.Id) - cpu;
        await sampling.CancelAsync();
        await sampler;
        if (lines != settings.SkuCount)
        {
            throw new RunFailedException($"the export gave {lines:N0} lines for {settings.SkuCount:N0} SKU-locations.");
        }

        return new FeedExportFigures(
            lines, Megabytes(bytes), Math.Round(seconds, 2), Math.Round(lines / seconds), Megabytes(rssBefore), Megabytes(peak),
            busy is { } b ? Math.Round(b.TotalSeconds, 1) : 0);
    }

    private static async Task WaitForAsync(Func<bool> done, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            if (clock.Elapsed > timeout)
            {
                return;
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private static double Megabytes(long bytes) => Math.Round(bytes / 1024.0 / 1024.0, 1);
}
