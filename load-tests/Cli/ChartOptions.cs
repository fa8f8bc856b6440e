using Grid.LoadTests.Reporting;

namespace Grid.LoadTests.Cli;

/// <summary>The options of the <c>chart</c> verb: the SVG chart of an existing <c>compare</c> report.</summary>
internal sealed record ChartOptions
{
    /// <summary>The <c>compare</c> JSON report to draw; a full path to a file that exists.</summary>
    public required string InFile { get; init; }

    /// <summary>The SVG to write; a full path.</summary>
    public required string OutFile { get; init; }

    public static ChartOptions Parse(IReadOnlyList<string> args)
    {
        var values = OptionReader.Parse(args, KnownOptions);
        var inFile = Path.GetFullPath(values.Required("--in"));
        if (!File.Exists(inFile))
        {
            throw new UsageException("--in", $"the file '{inFile}' does not exist.");
        }

        return new ChartOptions
        {
            InFile = inFile,
            OutFile = values.OutFile("--out") ?? CompareChart.PathBeside(inFile),
        };
    }

    public static string Usage => """
        usage:
          dotnet run -c Release --project load-tests -- chart --in <report.json> [--out <chart.svg>]

        Draws the chart that compare writes beside its report (throughput per round on the left, median latency
        percentiles on the right, Grid beside the baseline and the ceiling) from an existing compare JSON report,
        without a run: so that the charts of committed reports can be redrawn.

        options:
          --in <report.json>       a report written by compare --out
          --out <chart.svg>        where to write the SVG, default beside the report (r.json -> r.svg)
        """;

    private static readonly HashSet<string> KnownOptions = new(StringComparer.Ordinal) { "--in", "--out" };
}
