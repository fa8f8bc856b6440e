using System.Globalization;
using System.Runtime.InteropServices;
using Grid.LoadTests.Compare;
using Grid.LoadTests.Elasticity;
using Grid.LoadTests.Http;
using Grid.LoadTests.Reporting;
using Grid.LoadTests.Scenarios;

namespace Grid.LoadTests.Cli;

/// <summary>
/// <c>elasticity</c>: PostgreSQL, a fresh database, a cluster of silos and a gateway process started here; stock
/// seeded; then <see cref="ElasticityRun"/> (steady open-loop load while silos join, leave, restart and die) and the
/// report. Everything started is stopped and the database dropped at the end, whether the run succeeded or not.
/// </summary>
internal static class ElasticityCommand
{
    private const string Location = "L0";
    private const long StockPerSku = 1_000_000;

    public static async Task<int> ExecuteAsync(ElasticityOptions options, CancellationToken cancellationToken)
    {
        var (root, server, postgresVersion, gridCommit) = await BenchSetup.PrepareAsync(options.Connection, noBuild: true, cancellationToken);
        if (!options.NoBuild)
        {
            await Servers.BuildClusterAsync(root, cancellationToken);
        }

        var database = BenchSetup.DatabaseName("grid_elasticity");
        await using var databases = await BenchDatabases.CreateAsync(server, [database], cancellationToken);
        await Console.Error.WriteLineAsync($"PostgreSQL {postgresVersion} at {BenchPostgres.Describe(server)}; database {database}");
        await using var cluster = await GridCluster.StartAsync(
            root, databases.ConnectionString(database), Servers.GridLogFile(options.OutFile, database), null, options.Silos, separateGateway: true, cancellationToken);
        await Console.Error.WriteLineAsync(
            $"Grid ready: {options.Silos} silos and a gateway at {cluster.Api.BaseUri} (pids {string.Join(", ", cluster.ProcessIds)}); logs beside {Servers.GridLogFile(options.OutFile, database)}");

        var runPrefix = ScenarioSettings.NewRunPrefix();
        var plan = new LoadPlan(
            runPrefix,
            [.. Enumerable.Range(0, options.Skus).Select(i => $"{runPrefix}-R{i}")],
            [.. Enumerable.Range(0, options.Skus).Select(i => $"{runPrefix}-W{i}")],
            Location,
            options.Rate);
        using var opsClient = GridHttp.CreateClient(cluster.Api.BaseUri, 8, StockSeeder.RequestTimeout, Servers.GridApiKey);
        await StockSeeder.SeedAsync(opsClient, runPrefix, plan.ReservationSkus.Select(s => new StockLine(s, Location, StockPerSku)), cancellationToken);
        await LossCheck.WaitForStockAsync(opsClient, plan.ReservationSkus, Location, StockPerSku, cancellationToken);

        var settings = new ElasticitySettings(
            options.Changes, TimeSpan.FromSeconds(options.SteadySeconds), TimeSpan.FromSeconds(options.ObserveSeconds), TimeSpan.FromSeconds(options.KillWindowSeconds));
        var connections = (int)Math.Clamp(options.Rate / 2, 16, 512);
        using var loadClient = GridHttp.CreateClient(cluster.Api.BaseUri, connections, TimeSpan.FromSeconds(options.TimeoutSeconds), Servers.GridApiKey);
        var startedAt = DateTimeOffset.UtcNow;
        var (cases, loss, requests) = await new ElasticityRun(cluster, loadClient, opsClient, settings)
            .RunAsync(plan, line => Console.Error.WriteLine(line), cancellationToken);

        var reported = cases.Select(c => ElasticityReport.Case(c, settings.KillWindow)).ToList();
        var report = new ElasticityReport(
            startedAt,
            new CompareEnvironment(Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, postgresVersion, gridCommit),
            options.Silos,
            "separate",
            options.Rate,
            options.SteadySeconds,
            options.ObserveSeconds,
            options.KillWindowSeconds,
            requests,
            reported,
            loss,
            reported.All(c => c.Met) && loss.Clean);
        if (options.OutFile is not null)
        {
            await report.WriteJsonAsync(options.OutFile, cancellationToken);
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"report written to {options.OutFile}"));
        }

        report.WriteSummary(Console.Out);
        return report.Met ? ExitCodes.Success : ExitCodes.TargetMissed;
    }
}
