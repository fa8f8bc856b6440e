using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Grid.LoadTests.Compare;
using Grid.LoadTests.Http;
using Grid.LoadTests.Reporting;
using Grid.LoadTests.Scenarios;

namespace Grid.LoadTests.Cli;

/// <summary>
/// <c>compare --scenario bulk-import</c>, Grid alone: <c>--clients</c> closed-loop ATP readers read for
/// <c>--duration</c> seconds with nothing else running, then again while <c>--skus</c> stock-count lines are imported
/// through <c>POST /api/v1/imports?kind=stock</c> (one NDJSON body) until the import completes: import time, lines/s,
/// and the readers' p50/p99 in both phases.
/// </summary>
internal static class ImportCommand
{
    public const string ScenarioName = "bulk-import";

    private const int ReaderSkus = 1000;
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ImportTimeout = TimeSpan.FromHours(2);

    public static async Task<int> ExecuteAsync(CompareOptions options, CancellationToken cancellationToken)
    {
        var (root, server, postgresVersion, gridCommit) = await BenchSetup.PrepareAsync(options.Connection, options.NoBuild, cancellationToken);
        var database = BenchSetup.DatabaseName("grid_import");
        await using var databases = await BenchDatabases.CreateAsync(server, [database], cancellationToken);
        var grid = Servers.StartGrid(root, databases.ConnectionString(database), Servers.GridLogFile(options.OutFile, database));
        await Console.Error.WriteLineAsync($"PostgreSQL {postgresVersion}; Grid silo log: {grid.Process.LogFile}");
        await using var gridProcess = grid.Process;
        await Servers.WaitReadyAsync(grid, waitForStartedLine: true, cancellationToken);

        using var client = GridHttp.CreateClient(grid.BaseUri, options.Clients + 4, StockSeeder.RequestTimeout, apiKey: Servers.GridApiKey);
        using var upload = GridHttp.CreateClient(grid.BaseUri, 1, ImportTimeout, apiKey: Servers.GridApiKey);
        var runPrefix = ScenarioSettings.NewRunPrefix();
        var readerSettings = new ScenarioSettings(runPrefix + "r", ReaderSkus, ScenarioSettings.DefaultLocation);
        var seeded = await StockSeeder.SeedAsync(client, readerSettings.RunPrefix, new AtpReadScenario(readerSettings).InitialStock(), cancellationToken);
        await EventQueues.WaitUntilEmptyAsync(client, TimeSpan.FromMilliseconds(200), TimeSpan.FromMinutes(10), cancellationToken, appliedTarget: seeded);
        var readers = new AtpReaders(client, [.. Enumerable.Range(0, ReaderSkus).Select(readerSettings.Sku)], options.Clients);

        await ReadForAsync(readers, Warmup, cancellationToken);
        var idleClock = Stopwatch.StartNew();
        var (idle, idleFailed) = await ReadForAsync(readers, TimeSpan.FromSeconds(options.DurationSeconds), cancellationToken);
        var idleFigures = ReaderFigures.From(idle, idleFailed, idleClock.Elapsed.TotalSeconds);
        await Console.Error.WriteLineAsync($"idle readers: p99 {idleFigures.P99Ms:0.0} ms; importing {options.Skus:N0} lines");

        var startedAt = DateTimeOffset.UtcNow;
        using var stopReaders = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = readers.RunAsync(stopReaders.Token);
        var cpu = ProcessCpu.Of(grid.Process.Id);
        var clock = Stopwatch.StartNew();
        var importId = await PostAsync(upload, new ScenarioSettings(runPrefix, options.Skus, ScenarioSettings.DefaultLocation), cancellationToken);
        var uploaded = clock.Elapsed.TotalSeconds;
        var status = await WaitFinishedAsync(client, importId, cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        var busy = ProcessCpu.Of(grid.Process.Id) - cpu;
        await stopReaders.CancelAsync();
        var (during, duringFailed) = await reading;

        var applied = status.GetProperty("appliedLines").GetInt32();
        var report = new ImportReport(
            ScenarioName, startedAt, options.Skus, options.Clients, Math.Round(uploaded, 1), Math.Round(seconds, 1), Math.Round(applied / seconds),
            applied, status.GetProperty("failedLines").GetInt32(), idleFigures, ReaderFigures.From(during, duringFailed, seconds),
            busy is { } b ? Math.Round(b.TotalSeconds, 1) : 0,
            new CompareEnvironment(Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, postgresVersion, gridCommit));
        report.WriteTable(Console.Out);
        if (options.OutFile is not null)
        {
            await report.WriteJsonAsync(options.OutFile, cancellationToken);
            await Console.Error.WriteLineAsync($"wrote {options.OutFile}");
        }

        return status.GetProperty("state").GetString() == "completed" ? ExitCodes.Success
            : throw new RunFailedException($"the import ended {status.GetProperty("state").GetString()}: {status}");
    }

    private static async Task<(double[] LatenciesMs, long Failed)> ReadForAsync(AtpReaders readers, TimeSpan duration, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(duration);
        return await readers.RunAsync(stop.Token);
    }

    /// <summary>Posts the whole import as one NDJSON body, written as it is sent; answers the import's id.</summary>
    private static async Task<string> PostAsync(HttpClient client, ScenarioSettings settings, CancellationToken cancellationToken)
    {
        using var content = new StockLines(settings);
        using var response = await client.PostAsync(new Uri("api/v1/imports?kind=stock", UriKind.Relative), content, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new RunFailedException($"POST /api/v1/imports answered {(int)response.StatusCode}: {text}");
        }

        using var body = JsonDocument.Parse(text);
        return body.RootElement.GetProperty("importId").GetString()!;
    }

    private static async Task<JsonElement> WaitFinishedAsync(HttpClient client, string importId, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < ImportTimeout)
        {
            using var response = await client.GetAsync(new Uri($"api/v1/imports/{importId}?errorLimit=5", UriKind.Relative), cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
                if (body.RootElement.GetProperty("state").GetString() is "completed" or "failed" or "cancelled")
                {
                    return body.RootElement.Clone();
                }
            }

            await Task.Delay(250, cancellationToken);
        }

        throw new RunFailedException($"import {importId} did not finish within {ImportTimeout.TotalMinutes:0} minutes.");
    }

    /// <summary>One count of 100 units per SKU-location of the settings, as NDJSON, generated while it is sent.</summary>
    private sealed class StockLines : HttpContent
    {
        private readonly ScenarioSettings _settings;

        public StockLines(ScenarioSettings settings)
        {
            _settings = settings;
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-ndjson");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false), 64 * 1024, leaveOpen: true);
            for (var i = 0; i < _settings.SkuCount; i++)
            {
                await writer.WriteAsync($"{{\"sku\":\"{_settings.Sku(i)}\",\"location\":\"{_settings.Location}\",\"countedQuantity\":100}}\n");
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
