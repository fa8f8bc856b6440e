using System.Runtime.InteropServices;
using Grid.LoadTests.Compare;
using Grid.LoadTests.Http;
using Grid.LoadTests.Reporting;
using Grid.LoadTests.Running;
using Grid.LoadTests.Scenarios;

namespace Grid.LoadTests.Cli;

/// <summary>
/// <c>compare --scenario warehouse-freshness</c>: Grid alone (the baseline applies before it answers, so its freshness
/// is nil by construction). After the warm-up: event-to-ATP freshness on an idle grid; the apply capacity, from a
/// closed-loop <c>warehouse-ingest</c> pass; then open-loop passes offering 25%, 50% and 80% of that capacity, each
/// with the freshness probe running beside it.
/// </summary>
internal static class FreshnessCommand
{
    public const string ScenarioName = "warehouse-freshness";

    public static readonly int[] Levels = [25, 50, 80];

    public static async Task<int> ExecuteAsync(CompareOptions options, CancellationToken cancellationToken)
    {
        var (root, server, postgresVersion, gridCommit) = await BenchSetup.PrepareAsync(options.Connection, options.NoBuild, cancellationToken);
        var database = BenchSetup.DatabaseName("grid_fresh");
        await using var databases = await BenchDatabases.CreateAsync(server, [database], cancellationToken);
        await using var receiver = options.Outbound != false ? await OutboundReceiver.StartAsync(cancellationToken) : null;
        var grid = Servers.StartGrid(root, databases.ConnectionString(database), Servers.GridLogFile(options.OutFile, database), receiver?.Url);
        await Console.Error.WriteLineAsync($"PostgreSQL {postgresVersion}; Grid silo log: {grid.Process.LogFile}{(receiver is null ? "" : $"; outbound on, to {receiver.Url}")}");
        await using var gridProcess = grid.Process;
        await Servers.WaitReadyAsync(grid, waitForStartedLine: true, cancellationToken);

        using var client = GridHttp.CreateClient(grid.BaseUri, options.Clients + 4, TimeSpan.FromSeconds(options.TimeoutSeconds), apiKey: Servers.GridApiKey);
        var settings = new ScenarioSettings(ScenarioSettings.NewRunPrefix(), options.Skus, ScenarioSettings.DefaultLocation);
        var probe = new FreshnessProbe(client, settings.RunPrefix, settings.Location);
        await StockSeeder.SeedAsync(client, settings.RunPrefix, new WarehouseIngestScenario(settings).InitialStock().Concat(FreshnessProbe.InitialStock(settings.RunPrefix, settings.Location)), cancellationToken);

        var startedAt = DateTimeOffset.UtcNow;
        var duration = TimeSpan.FromSeconds(options.DurationSeconds);
        if (options.WarmupSeconds > 0)
        {
            await PassAsync(client, settings, "w", Closed(options, TimeSpan.FromSeconds(options.WarmupSeconds)), null, cancellationToken);
        }

        await IngestProbe.SettleAsync(client, cancellationToken);
        var before = await HistogramReading.ReadAsync(client, FreshnessFigures.GridMetric, cancellationToken);
        var idle = await probe.RunAsync(duration, FreshnessProbe.IdleInterval, cancellationToken);
        idle = idle.WithGrid(before, await HistogramReading.ReadAsync(client, FreshnessFigures.GridMetric, cancellationToken));
        await Console.Error.WriteLineAsync($"idle: event -> ATP p50 {idle.P50Ms} ms, p99 {idle.P99Ms} ms ({idle.Samples} probes); Grid's histogram: p50 <= {idle.GridP50AtMostMs} ms, p99 <= {idle.GridP99AtMostMs} ms");

        var (capacity, _, _) = await PassAsync(client, settings, "c", Closed(options, duration), null, cancellationToken);
        await Console.Error.WriteLineAsync($"capacity: {capacity.AppliedPerSecond:0} events/s applied (closed loop, {options.Clients} clients)");

        var levels = new List<FreshnessLevel>();
        foreach (var percent in Levels)
        {
            var offered = capacity.AppliedPerSecond * percent / 100;
            var rate = Math.Max(0.1, offered / WarehouseIngestScenario.EventsPerRequest);
            var profile = new LoadProfile(TimeSpan.Zero, duration, options.Clients, rate, options.EffectiveMaxOutstanding, TimeSpan.FromSeconds(options.TimeoutSeconds));
            var (ingest, refused, freshness) = await PassAsync(client, settings, $"l{percent}", profile, probe, cancellationToken);
            levels.Add(new FreshnessLevel(percent, Math.Round(offered), refused, ingest, freshness!));
            await Console.Error.WriteLineAsync($"{percent}%: {offered:0} events/s offered, {ingest.AppliedPerSecond:0} applied, {refused} refused; event -> ATP p50 {freshness!.P50Ms} ms, p99 {freshness.P99Ms} ms; Grid's histogram: p50 <= {freshness.GridP50AtMostMs} ms, p99 <= {freshness.GridP99AtMostMs} ms");
        }

        var report = new FreshnessReport(
            startedAt, options.DurationSeconds, WarehouseIngestScenario.EventsPerRequest, capacity, idle, levels,
            new CompareEnvironment(Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, postgresVersion, gridCommit));
        report.WriteTable(Console.Out);
        if (options.OutFile is not null)
        {
            await report.WriteJsonAsync(options.OutFile, cancellationToken);
            await Console.Error.WriteLineAsync($"wrote {options.OutFile}");
        }

        return ExitCodes.Success;
    }

    private static LoadProfile Closed(CompareOptions options, TimeSpan duration)
        => new(TimeSpan.Zero, duration, options.Clients, null, options.EffectiveMaxOutstanding, TimeSpan.FromSeconds(options.TimeoutSeconds));

    /// <summary>One warehouse-ingest pass (with the freshness probe beside it when given), measured until its events are applied.</summary>
    private static async Task<(IngestFigures Ingest, long Refused, FreshnessFigures? Freshness)> PassAsync(
        HttpClient client, ScenarioSettings settings, string pass, LoadProfile profile, FreshnessProbe? probe, CancellationToken cancellationToken)
    {
        var scenario = new WarehouseIngestScenario(settings with { IdPrefix = $"{settings.RunPrefix}-{pass}" });
        var settled = await IngestProbe.SettleAsync(client, cancellationToken);
        var before = await HistogramReading.ReadAsync(client, FreshnessFigures.GridMetric, cancellationToken);
        var sending = System.Diagnostics.Stopwatch.StartNew();
        var probing = probe?.RunAsync(profile.Duration, FreshnessProbe.LoadedInterval, cancellationToken);
        var measurement = await new LoadRunner(client).RunAsync(scenario, profile, cancellationToken);
        sending.Stop();
        var freshness = probing is null ? null : await probing;
        var ingest = await IngestProbe.MeasureAsync(client, scenario, sending.Elapsed, settled, sampleLag: true, cancellationToken);
        var after = await HistogramReading.ReadAsync(client, FreshnessFigures.GridMetric, cancellationToken);
        return (ingest, measurement.Refused, freshness?.WithGrid(before, after));
    }
}
