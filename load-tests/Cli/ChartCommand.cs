using System.Text.Json;
using Grid.LoadTests.Reporting;

namespace Grid.LoadTests.Cli;

/// <summary><c>chart</c>: reads a <c>compare</c> JSON report and writes its SVG chart (<see cref="CompareChart"/>).</summary>
internal static class ChartCommand
{
    public static async Task<int> ExecuteAsync(ChartOptions options, CancellationToken cancellationToken)
    {
        CompareReport? report;
        try
        {
            report = await CompareReport.ReadJsonAsync(options.InFile, cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new RunFailedException($"{options.InFile} is not a compare report: {ex.Message}", ex);
        }

        if (report is null || report.PerRound is null || report.Grid is null || report.Baseline is null || report.Environment is null)
        {
            throw new RunFailedException($"{options.InFile} is not a compare report: it lacks grid, baseline, perRound or environment.");
        }

        CompareChart.WriteSvg(report, options.OutFile);
        await Console.Error.WriteLineAsync($"wrote {options.OutFile}");
        return ExitCodes.Success;
    }
}
