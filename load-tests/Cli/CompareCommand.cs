using System.Globalization;
using System.Runtime.InteropServices;
using Grid.LoadTests.Compare;
using Grid.LoadTests.Http;
using Grid.LoadTests.Reporting;
using Grid.LoadTests.Running;
using Grid.LoadTests.Scenarios;

namespace Grid.LoadTests.Cli;

/// <summary>
/// <c>compare</c>: PostgreSQL, fresh databases, Grid (PostgreSQL mode) and the baseline started here; each side seeded
/// and warmed up; then the scenario against Grid, the baseline and (ATP reads) the ceiling, one after the other, round
/// after round; the table and the JSON of medians. Every process started is killed and every database dropped at the
/// end, whether the run succeeded, failed or was interrupted.
/// </summary>
internal static class CompareCommand
{
    private const string CeilingAtpPathPrefix = "ceiling/atp/";
    private const string GridOutboundOffSide = "grid-off";
    private static readonly TimeSpan PauseBetweenRuns = TimeSpan.FromSeconds(1);

    public static async Task<int> ExecuteAsync(CompareOptions options, CancellationToken cancellationToken)
    {
        if (options.Scenario == FreshnessCommand.ScenarioName)
        {
            return await FreshnessCommand.ExecuteAsync(options, cancellationToken);
        }

        if (options.Scenario == ImportCommand.ScenarioName)
        {
            return await ImportCommand.ExecuteAsync(options, cancellationToken);
        }

        if (FeedCommand.Handles(options.Scenario))
        {
            return await FeedCommand.ExecuteAsync(options, cancellationToken);
        }

        var (root, server, postgresVersion, gridCommit) = await BenchSetup.PrepareAsync(options.Connection, options.NoBuild, cancellationToken);
        var stamp = BenchSetup.DatabaseName("grid_bench");
        var gridDatabase = stamp + "_grid";
        var gridOffDatabase = stamp + "_grid_off";
        var baselineDatabase = stamp + "_baseline";

        await using var databases = await BenchDatabases.CreateAsync(
            server, options.OutboundCost ? [gridDatabase, gridOffDatabase, baselineDatabase] : [gridDatabase, baselineDatabase], cancellationToken);
        await Console.Error.WriteLineAsync($"PostgreSQL {postgresVersion} at {BenchPostgres.Describe(server)}; databases {gridDatabase} and {baselineDatabase}");

        var outbound = options.Outbound ?? ScenarioCatalog.Create(options.Scenario, new ScenarioSettings("x", 1, ScenarioSettings.DefaultLocation)).Writes;
        // One receiver per side, so that one side's backlog never counts toward the other's figures.
        await using var gridReceiver = outbound ? await OutboundReceiver.StartAsync(cancellationToken) : null;
        await using var baselineReceiver = outbound ? await OutboundReceiver.StartAsync(cancellationToken) : null;
        if (gridReceiver is not null)
        {
            await Console.Error.WriteLineAsync($"outbound on: Grid delivers to {gridReceiver.Url}, the baseline's relay to {baselineReceiver!.Url}");
        }

        var clustered = options.Silos > 1 || options.SeparateGateway;
        await using var cluster = clustered
            ? await GridCluster.StartAsync(
                root, databases.ConnectionString(gridDatabase), Servers.GridLogFile(options.OutFile, stamp), gridReceiver?.Url, options.Silos, options.SeparateGateway, cancellationToken)
            : null;
        var grid = cluster?.Api
            ?? Servers.StartGrid(root, databases.ConnectionString(gridDatabase), Servers.GridLogFile(options.OutFile, stamp), gridReceiver?.Url);
        await Console.Error.WriteLineAsync($"Grid silo log: {grid.Process.LogFile}");
        await using var gridProcess = grid.Process;
        var baseline = Servers.StartBaseline(databases.ConnectionString(baselineDatabase), baselineReceiver?.Url);
        await using var baselineProcess = baseline.Process;
        var gridOff = options.OutboundCost
            ? Servers.StartGrid(root, databases.ConnectionString(gridOffDatabase), Servers.GridLogFile(options.OutFile, stamp, ".off.silo.log"))
            : null;
        await using var gridOffProcess = gridOff?.Process;

        if (cluster is null)
        {
            await Servers.WaitReadyAsync(grid, waitForStartedLine: true, cancellationToken);
        }

        await Console.Error.WriteLineAsync(cluster is null
            ? $"Grid silo ready at {grid.BaseUri} (pid {grid.Process.Id})"
            : $"Grid ready at {grid.BaseUri}: {options.Silos} silo(s), API {(options.SeparateGateway ? "in a gateway process" : "in silo 1")} (pids {string.Join(", ", cluster.ProcessIds)})");
        await Servers.WaitReadyAsync(baseline, waitForStartedLine: false, cancellationToken);
        await Console.Error.WriteLineAsync($"baseline ready at {baseline.BaseUri} (pid {baseline.Process.Id})");
        if (gridOff is not null)
        {
            await Servers.WaitReadyAsync(gridOff, waitForStartedLine: true, cancellationToken);
            await Console.Error.WriteLineAsync($"Grid silo without an outbound target ready at {gridOff.BaseUri} (pid {gridOff.Process.Id})");
        }

        var postmaster = await BenchPostgres.LocalPostmasterAsync(databases.ConnectionString(gridDatabase), cancellationToken);
        var settings = new ScenarioSettings(ScenarioSettings.NewRunPrefix(), options.Skus, ScenarioSettings.DefaultLocation);
        var template = ScenarioCatalog.Create(options.Scenario, settings);
        var sides = new List<Side>
        {
            new("grid", grid, ScenarioSettings.DefaultAtpPathPrefix, options, receiver: gridReceiver)
            {
                ProcessIds = cluster?.ProcessIds ?? [grid.Process.Id],
                Silos = cluster?.Silos.Select(s => s.BaseUri).ToList(),
            },
        };
        if (gridOff is not null)
        {
            sides.Add(new Side(GridOutboundOffSide, gridOff, ScenarioSettings.DefaultAtpPathPrefix, options));
        }

        sides.Add(new Side("baseline", baseline, ScenarioSettings.DefaultAtpPathPrefix, options, receiver: baselineReceiver));
        if (template.FollowsAtpPathPrefix)
        {
            sides.Add(new Side("ceiling", baseline, CeilingAtpPathPrefix, options, seeded: false));
        }

        try
        {
            return await CompareAsync(options, settings, template, sides, postgresVersion, gridCommit, postmaster, cancellationToken);
        }
        finally
        {
            foreach (var side in sides)
            {
                side.Dispose();
            }
        }
    }

    private static async Task<int> CompareAsync(
        CompareOptions options,
        ScenarioSettings settings,
        Scenario template,
        List<Side> sides,
        string postgresVersion,
        string? gridCommit,
        int? postmaster,
        CancellationToken cancellationToken)
    {
        foreach (var side in sides.Where(s => s.Seeded))
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                using var seedClient = GridHttp.CreateClient(side.Server.BaseUri, 2, StockSeeder.RequestTimeout, apiKey: Servers.GridApiKey);
                var seeded = await StockSeeder.SeedAsync(seedClient, settings.RunPrefix, template.InitialStock(), cancellationToken);
                await Console.Error.WriteLineAsync(Invariant($"{side.Name}: seeded {seeded} SKU-location(s) under prefix {settings.RunPrefix} in {clock.Elapsed.TotalSeconds:0.0} s"));
            }
            catch (RunFailedException ex)
            {
                throw side.Server.Process.Failed($"could not be seeded: {ex.Message}");
            }
        }

        if (options.WarmupSeconds > 0)
        {
            var warmup = Profile(options, TimeSpan.Zero, TimeSpan.FromSeconds(options.WarmupSeconds));
            foreach (var side in sides)
            {
                await Console.Error.WriteLineAsync(Invariant($"{side.Name}: warming up for {options.WarmupSeconds:0.#} s"));
                var result = await RunAsync(side, template.Name, settings, "w", warmup, postmaster, cancellationToken);
                await Console.Error.WriteLineAsync(Invariant($"{side.Name}: warm-up {Summary(result)}"));
            }
        }

        var startedAt = DateTimeOffset.UtcNow;
        var profile = Profile(options, TimeSpan.FromSeconds(options.LeadInSeconds), TimeSpan.FromSeconds(options.DurationSeconds));
        var rounds = new List<CompareRound>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            var results = new Dictionary<string, ScenarioResult>(StringComparer.Ordinal);
            foreach (var side in sides)
            {
                await Task.Delay(PauseBetweenRuns, cancellationToken);
                var result = await RunAsync(side, template.Name, settings, round.ToString(CultureInfo.InvariantCulture), profile, postmaster, cancellationToken);
                results[side.Name] = result;
                await Console.Error.WriteLineAsync(Invariant($"round {round}/{options.Rounds} {side.Name}: {Summary(result)}"));
            }

            rounds.Add(new CompareRound(round, results["grid"], results["baseline"], results.GetValueOrDefault("ceiling"))
            {
                GridOutboundOff = results.GetValueOrDefault(GridOutboundOffSide),
            });
        }

        var gridMedian = SideFigures.Median([.. rounds.Select(r => r.Grid)]);
        var baselineMedian = SideFigures.Median([.. rounds.Select(r => r.Baseline)]);
        var ceilingMedian = template.FollowsAtpPathPrefix ? SideFigures.Median([.. rounds.Select(r => r.Ceiling!)]) : null;

        var report = new CompareReport(
            template.Name,
            options.Rounds,
            options.Clients,
            options.Rate,
            options.DurationSeconds,
            options.WarmupSeconds,
            options.Rate is null ? "closed" : "open",
            options.Skus,
            template.ItemsPerRequest,
            CompareReport.MedianOverRounds,
            startedAt,
            gridMedian,
            baselineMedian,
            ceilingMedian,
            CompareReport.RatioOf(gridMedian.Throughput, baselineMedian.Throughput),
            CompareReport.RatioOf(gridMedian.P99Ms, baselineMedian.P99Ms),
            ceilingMedian is null ? null : CompareReport.RatioOf(gridMedian.Throughput, ceilingMedian.Throughput),
            rounds,
            new CompareEnvironment(Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, postgresVersion, gridCommit))
        {
            GridIngest = IngestFigures.Median([.. rounds.Select(r => r.Grid.Ingest)]),
            BaselineIngest = IngestFigures.Median([.. rounds.Select(r => r.Baseline.Ingest)]),
            GridOutbound = OutboundFigures.Median([.. rounds.Select(r => r.Grid.Outbound)]),
            GridFreshness = FreshnessFigures.Median([.. rounds.Select(r => r.Grid.Freshness)]),
            BaselineOutbound = OutboundFigures.Median([.. rounds.Select(r => r.Baseline.Outbound)]),
        };
        if (options.OutboundCost)
        {
            var gridOffMedian = SideFigures.Median([.. rounds.Select(r => r.GridOutboundOff!)]);
            report = report with
            {
                GridOutboundOff = gridOffMedian,
                OutboundCost = gridOffMedian.Throughput > 0 ? Math.Round(1 - (gridMedian.Throughput / gridOffMedian.Throughput), 3) : null,
            };
        }
        if (report is { GridIngest: { } gridIngest, BaselineIngest: { } baselineIngest })
        {
            report = report with { AppliedRatio = CompareReport.RatioOf(gridIngest.AppliedPerSecond, baselineIngest.AppliedPerSecond) };
        }

        CompareTable.Write(Console.Out, report);
        if (options.OutFile is not null)
        {
            await report.WriteJsonAsync(options.OutFile, cancellationToken);
            await Console.Error.WriteLineAsync($"wrote {options.OutFile}");
            var chart = CompareChart.PathBeside(options.OutFile);
            try
            {
                CompareChart.WriteSvg(report, chart);
                await Console.Error.WriteLineAsync($"wrote {chart}");
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The figures are in the JSON; the chart can be drawn from it later with the chart verb.
                await Console.Error.WriteLineAsync($"warning: could not draw {chart} ({ex.GetType().Name}: {ex.Message}); draw it later with: chart --in {options.OutFile}");
            }
        }

        var errorsByProcess = new[]
        {
            (Process: sides.Single(s => s.Name == "grid").Server.Process, Errors: rounds.Sum(r => r.Grid.Errors)),
            (Process: sides.Single(s => s.Name == "baseline").Server.Process, Errors: rounds.Sum(r => r.Baseline.Errors + (r.Ceiling?.Errors ?? 0))),
        };
        foreach (var (process, errors) in errorsByProcess.Where(p => p.Errors > 0))
        {
            await Console.Error.WriteLineAsync($"{process.Name} answered {errors} request(s) with errors; its last output lines:{Environment.NewLine}{process.Tail()}");
        }

        foreach (var round in rounds)
        {
            foreach (var (name, result) in new[] { ("grid", round.Grid), (GridOutboundOffSide, round.GridOutboundOff), ("baseline", round.Baseline), ("ceiling", round.Ceiling) })
            {
                if (result is not null && (result.Requests == 0 || result.Errors == result.Requests))
                {
                    throw new RunFailedException(
                        $"{name}, round {round.Round}: {(result.Requests == 0 ? "no request completed inside the measured window" : "every request failed")}; see the error kinds above.");
                }
            }
        }

        return ExitCodes.Success;
    }

    /// <summary>One pass of the scenario against one side; ids start with the pass's own prefix, so no pass replays another's.</summary>
    private static async Task<ScenarioResult> RunAsync(
        Side side, string scenarioName, ScenarioSettings settings, string pass, LoadProfile profile, int? postmaster, CancellationToken cancellationToken)
    {
        var scenario = ScenarioCatalog.Create(
            scenarioName,
            settings with { IdPrefix = $"{settings.RunPrefix}-{pass}", AtpPathPrefix = side.AtpPathPrefix });
        var ingest = scenario as WarehouseIngestScenario;
        var settled = ingest is null ? null : await IngestProbe.SettleAsync(side.Client, cancellationToken);
        if (side.Receiver is not null)
        {
            // Whatever an earlier pass left in the outbox is delivered before this one starts counting.
            await OutboundProbe.WaitUntilDrainedAsync(side.Client, cancellationToken);
            side.Receiver.Reset();
            if (scenario.MeasuresDelivery)
            {
                await OutboundProbe.SetPausedAsync(side.Client, side.OutboxTarget, paused: true, cancellationToken);
            }
        }

        // peak-mix on Grid: event-to-ATP freshness beside the load (the baseline applies before it answers).
        var probing = scenario is PeakMixScenario && side.Name == "grid"
            ? new FreshnessProbe(side.Client, settings.RunPrefix, settings.Location).RunAsync(profile.Warmup + profile.Duration, FreshnessProbe.LoadedInterval, cancellationToken)
            : null;
        var sending = System.Diagnostics.Stopwatch.StartNew();
        var cpu = CpuWindow.Start(side.ProcessIds ?? [side.Server.Process.Id], postmaster, profile, cancellationToken);
        var spread = side.Silos is { } silos ? ClusterWindow.Start(side.Client, silos, profile, cancellationToken) : null;
        var measurement = await new LoadRunner(side.Client).RunAsync(scenario, profile, cancellationToken);
        sending.Stop();
        if (side.Server.Process.Exited.IsCompleted)
        {
            throw side.Server.Process.Failed($"exited with code {await side.Server.Process.Exited} while the {side.Name} side was under load");
        }

        var result = ScenarioResult.From(measurement, profile.Duration) with { Freshness = probing is null ? null : await probing };
        result = result with { Cpu = await cpu.FiguresAsync(result.Requests), Cluster = spread is null ? null : await spread.FiguresAsync(result.Requests) };
        if (ingest is not null)
        {
            var figures = await IngestProbe.MeasureAsync(side.Client, ingest, sending.Elapsed, settled, sampleLag: side.Name == "grid", cancellationToken);
            await Console.Error.WriteLineAsync(Invariant(
                $"{side.Name}: {figures.AcceptedEvents:N0} events accepted in {figures.SendingSeconds:0.0} s, queues drained {figures.DrainSeconds:0.00} s later: {figures.AppliedPerSecond:0} events/s applied; lag p50 {figures.LagP50Ms} ms, p99 {figures.LagP99Ms} ms ({figures.LagSamples} samples)"));
            result = result with { Ingest = figures };
        }

        if (side.Receiver is not null)
        {
            var delivering = sending.Elapsed;
            if (scenario.MeasuresDelivery)
            {
                // The backlog alone: from the moment delivery resumes until the outbox is empty.
                await Console.Error.WriteLineAsync(Invariant($"{side.Name}: {await OutboundProbe.DepthAsync(side.Client, cancellationToken)} events wait; delivery resumes"));
                side.Receiver.Reset();
                await OutboundProbe.SetPausedAsync(side.Client, side.OutboxTarget, paused: false, cancellationToken);
                delivering = TimeSpan.Zero;
            }

            var drain = await OutboundProbe.WaitUntilDrainedAsync(side.Client, cancellationToken);
            var figures = side.Receiver.Figures(delivering + drain.Elapsed, drain.Elapsed.TotalSeconds, drain.LeftQueued);
            await Console.Error.WriteLineAsync(Invariant(
                $"{side.Name}: outbound {figures.Events:N0} events in {figures.Requests:N0} requests ({figures.DeliveredPerSecond:0} events/s), drained {figures.DrainSeconds:0.00} s after the last request, lag p50 {figures.LagP50Ms} ms, p99 {figures.LagP99Ms} ms"));
            result = result with { Outbound = figures };
        }

        return result;
    }

    private static LoadProfile Profile(CompareOptions options, TimeSpan warmup, TimeSpan duration)
        => new(warmup, duration, options.Clients, options.Rate, options.EffectiveMaxOutstanding, TimeSpan.FromSeconds(options.TimeoutSeconds));

    private static string Summary(ScenarioResult r)
        => Invariant($"{r.Throughput:0.0} req/s, p50 {r.P50Ms:0.00} ms, p99 {r.P99Ms:0.00} ms, {r.Errors} errors, {r.Granted} granted, {r.Refused} refused");

    /// <summary><c>git describe --always --dirty</c> of the checkout, for the report; null when git cannot tell.</summary>
    public static async Task<string?> GitDescribeAsync(string root, CancellationToken cancellationToken)
    {
        try
        {
            var (exitCode, output) = await ChildProcess.RunToEndAsync(
                "git", "git", ["-C", root, "describe", "--always", "--dirty"], root, inheritStderr: false, cancellationToken);
            return exitCode == 0 && output.Trim().Length > 0 ? output.Trim() : null;
        }
        catch (RunFailedException)
        {
            return null;
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>One side of the comparison: a server (the ceiling shares the baseline's), its path and its own client.</summary>
    private sealed class Side(
        string name, ServerProcess server, string atpPathPrefix, CompareOptions options, bool seeded = true, OutboundReceiver? receiver = null) : IDisposable
    {
        /// <summary>The webhook receiver this side delivers to (<c>--outbound on</c>); null otherwise.</summary>
        public OutboundReceiver? Receiver { get; } = receiver;

        /// <summary>The outbox target to pause and resume: Grid's target for the receiver, or the baseline's relay.</summary>
        public string OutboxTarget => Name == "grid" ? OutboundReceiver.TargetName : "baseline";

        public string Name { get; } = name;

        public ServerProcess Server { get; } = server;

        public string AtpPathPrefix { get; } = atpPathPrefix;

        public bool Seeded { get; } = seeded;

        /// <summary>Every process whose CPU is this side's (a cluster's silos and gateway); null: the server's alone.</summary>
        public IReadOnlyList<int>? ProcessIds { get; init; }

        /// <summary>Grid as a cluster (<c>--silos</c>, <c>--gateway separate</c>): its silos, whose spread is read too; else null.</summary>
        public IReadOnlyList<Uri>? Silos { get; init; }

        public HttpClient Client { get; } = GridHttp.CreateClient(server.BaseUri, options.Clients, TimeSpan.FromSeconds(options.TimeoutSeconds), apiKey: Servers.GridApiKey);

        public void Dispose() => Client.Dispose();
    }
}
