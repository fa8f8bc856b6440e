using System.Diagnostics;
using System.Text.Json;
using Grid.Tests.Postgres;
using Grid.Tests.Support;

namespace Grid.Tests.Hosting;

/// <summary>
/// One CI-sized run of the load tool's <c>elasticity</c> verb (load-tests, built with the solution) on the test
/// PostgreSQL server: two silos and a gateway process under steady open-loop reservations and receipts, while a silo
/// joins, one leaves (SIGTERM), every silo is restarted in turn, and one is killed (SIGKILL). Its JSON report is what
/// the tests read; the processes' logs stay beside it when a test fails.
/// </summary>
public sealed class ElasticityRunFixture : IAsyncLifetime
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(8);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"grid-elasticity-{TestIds.Tag()}");

    private static string Server => Environment.GetEnvironmentVariable(PostgresDatabase.Variable)
        ?? throw new InvalidOperationException($"{PostgresDatabase.Variable} is not set. Run the tests with ./test.sh, which starts a private PostgreSQL and sets it.");

    public JsonElement Report { get; private set; }

    public string Output { get; private set; } = "";

    public string LogFolder => _folder;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        var reportFile = Path.Combine(_folder, "elasticity.json");
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var tool = RepositoryFiles.PathOf("load-tests", "bin", configuration, "net10.0", "Grid.LoadTests.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryFiles.PathOf(),
        };
        foreach (var argument in new[]
        {
            tool, "elasticity", "--no-build", "--connection", Server,
            "--silos", "2", "--rate", "40", "--skus", "50", "--steady", "3", "--observe", "12", "--out", reportFile,
        })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(RunTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The elasticity run did not end within {RunTimeout.TotalMinutes:0} min:\n{await stderr}");
        }

        Output = await stdout + await stderr;
        if (!File.Exists(reportFile))
        {
            throw new InvalidOperationException($"The elasticity run wrote no report (exit code {process.ExitCode}):\n{Output}");
        }

        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(reportFile));
        Report = document.RootElement.Clone();
    }

    public JsonElement Case(string change)
        => Report.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("change").GetString() == change);

    public Task DisposeAsync()
    {
        // Kept for a look at the processes' logs with GRID_KEEP_ELASTICITY_LOGS set.
        if (Directory.Exists(_folder) && Environment.GetEnvironmentVariable("GRID_KEEP_ELASTICITY_LOGS") is null)
        {
            Directory.Delete(_folder, recursive: true);
        }

        return Task.CompletedTask;
    }
}
