using System.Globalization;
using ScottPlot;
using SkiaSharp;

namespace Grid.LoadTests.Reporting;

/// <summary>
/// Draws a <c>compare</c> report as one SVG: a title naming the scenario, Grid ÷ baseline ratios and Grid's commit;
/// on the left the throughput of every round and its median, Grid beside the baseline (and the ceiling when the report
/// has one); on the right the median latency percentiles (p50, p90, p99) of the same sides.
/// </summary>
internal static class CompareChart
{
    public const int Width = 1200;
    public const int Height = 540;
    private const int TitleHeight = 64;
    private const float ValueLabelSize = 10;

    /// <summary>
    /// Sans-serif families tried in turn. SkiaSharp's Linux assets here match no font by a generic name (ScottPlot's
    /// default there is the first face found, often a serif one), so a family is named outright.
    /// </summary>
    private static readonly string[] SansFamilies = ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "Noto Sans"];

    private static readonly Lazy<string> Family = new(() =>
        SansFamilies.FirstOrDefault(f => Fonts.GetTypeface(f, bold: false, italic: false)?.FamilyName == f) ?? Fonts.Sans);

    private static readonly ChartSide[] Sides =
    [
        new("Grid", Color.FromHex("#1f77b4"), r => r.Grid, r => r.Grid),
        new("baseline", Color.FromHex("#ff7f0e"), r => r.Baseline, r => r.Baseline),
        new("ceiling", Color.FromHex("#8c8c8c"), r => r.Ceiling, r => r.Ceiling),
    ];

    /// <summary>Where the chart of a report goes: beside it, <c>r.json</c> → <c>r.svg</c>.</summary>
    public static string PathBeside(string reportPath) => Path.ChangeExtension(reportPath, ".svg");

    /// <summary>Renders <paramref name="report"/> and writes it to <paramref name="path"/> as SVG.</summary>
    public static void WriteSvg(CompareReport report, string path)
    {
        var sides = Sides.Where(s => s.Median(report) is not null).ToArray();
        using var throughput = ThroughputPlot(report, sides);
        using var latency = LatencyPlot(report, sides);
        var panels = new Multiplot(throughput) { Layout = new ScottPlot.MultiplotLayouts.Columns() };
        panels.AddPlot(latency);

        using var stream = File.Create(path);
        using (var canvas = SKSvgCanvas.Create(new SKRect(0, 0, Width, Height), stream))
        {
            using var white = new SKPaint { Color = SKColors.White };
            canvas.DrawRect(0, 0, Width, Height, white);
            DrawTitle(canvas, report);

            // The panels are drawn from the canvas's origin whatever rectangle they are given: move it below the title.
            canvas.Translate(0, TitleHeight);
            panels.Render(canvas, new PixelRect(0, Width, Height - TitleHeight, 0));
        }
    }

    private static Plot ThroughputPlot(CompareReport report, IReadOnlyList<ChartSide> sides)
    {
        var plot = NewPlot();
        var groups = report.PerRound
            .Select(r => (Label: $"round {r.Round}", Values: sides.Select(s => s.Round(r)?.Throughput).ToArray()))
            .Append(("median", sides.Select(s => s.Median(report)?.Throughput).ToArray()))
            .ToList();
        AddGroupedBars(plot, sides, groups);
        plot.Title("Throughput per round");
        plot.YLabel(report.ItemsPerRequest > 1
            ? $"requests/s ({report.ItemsPerRequest} items each)"
            : "requests/s");
        return plot;
    }

    private static Plot LatencyPlot(CompareReport report, IReadOnlyList<ChartSide> sides)
    {
        var plot = NewPlot();
        var percentiles = new (string Label, Func<SideFigures, double> Figure)[] { ("p50", f => f.P50Ms), ("p90", f => f.P90Ms), ("p99", f => f.P99Ms) };
        var groups = percentiles
            .Select(p => (p.Label, Values: sides.Select(s => s.Median(report) is { } m ? p.Figure(m) : (double?)null).ToArray()))
            .Where(g => g.Values.Any(v => v > 0))
            .ToList();
        AddGroupedBars(plot, sides, groups);
        plot.Title($"Latency percentiles ({CompareReport.MedianOverRounds})");
        plot.YLabel("ms");
        return plot;
    }

    private static Plot NewPlot()
    {
        var plot = new Plot();
        plot.Font.Set(Family.Value);
        return plot;
    }

    /// <summary>One bar per side in each group, side by side, each labelled with its value; a legend of the sides below.</summary>
    private static void AddGroupedBars(Plot plot, IReadOnlyList<ChartSide> sides, IReadOnlyList<(string Label, double?[] Values)> groups)
    {
        const double groupWidth = 0.8;
        var barWidth = groupWidth / sides.Count;
        for (var s = 0; s < sides.Count; s++)
        {
            var offset = (s - ((sides.Count - 1) / 2.0)) * barWidth;
            var bars = groups
                .Select((g, i) => (Position: i + offset, Value: g.Values[s]))
                .Where(b => b.Value is not null)
                .Select(b => new Bar
                {
                    Position = b.Position,
                    Value = b.Value!.Value,
                    Size = barWidth * 0.92,
                    FillColor = sides[s].Color,
                    LineWidth = 0,
                    ValueLabel = Compact(b.Value.Value),
                })
                .ToList();
            var barPlot = plot.Add.Bars(bars);
            barPlot.LegendText = sides[s].Name;
            barPlot.Color = sides[s].Color;
            barPlot.ValueLabelStyle.FontSize = ValueLabelSize;
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. groups.Select((_, i) => (double)i)], [.. groups.Select(g => g.Label)]);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Margins(bottom: 0, top: 0.12);
        plot.Grid.XAxisStyle.MajorLineStyle.Width = 0;
        plot.ShowLegend(Edge.Bottom);
    }

    private static void DrawTitle(SKCanvas canvas, CompareReport report)
    {
        var headline = Headline(report);
        using var bold = new SKFont(Fonts.GetTypeface(Family.Value, bold: true, italic: false), 20);
        while (bold.Size > 12 && bold.MeasureText(headline) > Width - 40)
        {
            bold.Size -= 1;
        }

        using var plain = new SKFont(Fonts.GetTypeface(Family.Value, bold: false, italic: false), 13);
        using var black = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var grey = new SKPaint { Color = new SKColor(0x55, 0x55, 0x55), IsAntialias = true };
        canvas.DrawText(headline, Width / 2f, 28, SKTextAlign.Center, bold, black);
        canvas.DrawText(Details(report), Width / 2f, 50, SKTextAlign.Center, plain, grey);
    }

    /// <summary>"reserve-spread: Grid ÷ baseline 0.99× throughput, 1.14× p99 · commit 5430999".</summary>
    public static string Headline(CompareReport report)
    {
        var ratios = new List<string>();
        if (report.Ratio is { } ratio)
        {
            ratios.Add(Invariant($"{ratio:0.00}× throughput"));
        }

        if (report.AppliedRatio is { } applied)
        {
            ratios.Add(Invariant($"{applied:0.00}× events applied/s"));
        }

        if (report.P99Ratio is { } p99)
        {
            ratios.Add(Invariant($"{p99:0.00}× p99"));
        }

        var text = ratios.Count > 0 ? $"{report.Scenario}: Grid ÷ baseline {string.Join(", ", ratios)}" : report.Scenario;
        if (report.CeilingRatio is { } ceiling)
        {
            text += Invariant($"; ÷ ceiling {ceiling:0.00}×");
        }

        return $"{text} · commit {report.Environment.GridCommit ?? "unknown"}";
    }

    /// <summary>How the figures were made: rounds, load, when and where.</summary>
    public static string Details(CompareReport report)
    {
        var load = report.Rate is { } rate
            ? Invariant($"open loop at {rate:0.#} req/s")
            : Invariant($"closed loop, {report.Clients} clients");
        return Invariant(
            $"{report.Rounds} rounds × {report.DurationSeconds:0.#} s, {load}, {report.Skus:N0} SKUs · {report.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC · {report.Environment.ProcessorCount} cores, {report.Environment.Runtime}, PostgreSQL {report.Environment.PostgresVersion}");
    }

    /// <summary>A bar's label: 16.4k, 2146, 13.7, 1.71.</summary>
    public static string Compact(double value) => value switch
    {
        >= 10_000 => Invariant($"{value / 1000:0.#}k"),
        >= 100 => Invariant($"{value:0}"),
        >= 10 => Invariant($"{value:0.#}"),
        _ => Invariant($"{value:0.##}"),
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>One side of the comparison as charted: its name, colour, median figures and per-round result.</summary>
    private sealed record ChartSide(string Name, Color Color, Func<CompareReport, SideFigures?> Median, Func<CompareRound, ScenarioResult?> Round);
}
