using System.Diagnostics;
using Grid.LoadTests.Http;
using Grid.LoadTests.Reporting;
using Grid.LoadTests.Running;
using Grid.LoadTests.Scenarios;

namespace Grid.LoadTests.Cli;

/// <summary><c>run</c>: probe the target, seed the scenario's stock, apply load, print the table, write the JSON.</summary>
internal static class RunCommand
{
    public static async Task<int> ExecuteAsync(RunOptions options, CancellationToken cancellationToken)
    {
        var profile = new LoadProfile(
            TimeSpan.FromSeconds(options.WarmupSeconds),
            TimeSpan.FromSeconds(options.DurationSeconds),
            options.Clients,
            options.Rate,
            options.EffectiveMaxOutstanding,
            TimeSpan.FromSeconds(options.TimeoutSeconds));

        using var client = GridHttp.CreateClient(options.Target, options.Clients, profile.RequestTimeout, options.ApiKey);
        await GridHttp.ProbeAsync(client, cancellationToken);

        var settings = new ScenarioSettings(ScenarioSettings.NewRunPrefix(), options.Skus, ScenarioSettings.DefaultLocation)
        {
            AtpPathPrefix = options.AtpPathPrefix,
        };
        var scenario = ScenarioCatalog.Create(options.Scenario, settings);

        var seedClock = Stopwatch.StartNew();
        int seeded;
        using (var seedClient = GridHttp.CreateClient(options.Target, 2, StockSeeder.RequestTimeout, options.ApiKey))
        {
            seeded = await StockSeeder.SeedAsync(seedClient, settings.RunPrefix, scenario.InitialStock(), cancellationToken);
        }

        await Console.Error.WriteLineAsync(
            $"seeded {seeded} SKU-location(s) under prefix {settings.RunPrefix} in {seedClock.Elapsed.TotalSeconds:0.0} s; " +
            $"running {scenario.Name} ({profile.Mode} loop{(options.Rate is { } r ? $", {r:0.#} req/s" : $", {options.Clients} clients")}) " +
            $"for {options.WarmupSeconds:0.#} s warmup + {options.DurationSeconds:0.#} s against {options.Target}");

        var startedAt = DateTimeOffset.UtcNow;
        var measurement = await new LoadRunner(client).RunAsync(scenario, profile, cancellationToken);

        var report = new RunReport(
            scenario.Name,
            options.Target.ToString(),
            options.Clients,
            options.Rate,
            options.DurationSeconds,
            options.WarmupSeconds,
            profile.Mode,
            options.Skus,
            scenario.ItemsPerRequest,
            startedAt,
            ScenarioResult.From(measurement, profile.Duration));

        ReportTable.Write(Console.Out, [report]);
        if (options.OutFile is not null)
        {
            await report.WriteJsonAsync(options.OutFile, cancellationToken);
            await Console.Error.WriteLineAsync($"wrote {options.OutFile}");
        }

        if (report.Result.Requests > 0 && report.Result.Errors == report.Result.Requests)
        {
            throw new RunFailedException("every request failed; see the error kinds above.");
        }

        return report.Result.Requests == 0
            ? throw new RunFailedException("no request completed inside the measured window.")
            : ExitCodes.Success;
    }
}
