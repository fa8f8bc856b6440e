using System.Globalization;

namespace Grid.LoadTests.Reporting;

/// <summary>A fixed-width table of runs, one row each (a later <c>compare</c> prints Grid and the baseline side by side).</summary>
internal static class ReportTable
{
    private static readonly string[] Headers =
        ["scenario", "mode", "duration", "requests", "req/s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "errors", "granted", "refused"];

    public static void Write(TextWriter writer, IReadOnlyList<RunReport> runs)
    {
        var rows = runs.Select(Row).ToList();
        var widths = Headers.Select((h, i) => Math.Max(h.Length, rows.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToArray();

        writer.WriteLine(Line(Headers, widths));
        writer.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in rows)
        {
            writer.WriteLine(Line(row, widths));
        }

        foreach (var run in runs)
        {
            if (run.ItemsPerRequest > 1)
            {
                var okShare = run.Result.Requests == 0 ? 0 : (double)(run.Result.Requests - run.Result.Errors) / run.Result.Requests;
                writer.WriteLine(Invariant($"{run.Scenario}: {run.ItemsPerRequest} items per request, {run.Result.Throughput * run.ItemsPerRequest * okShare:0} items/s in successful requests."));
            }

            if (run.Result.Unsent > 0)
            {
                writer.WriteLine(Invariant($"{run.Scenario}: {run.Result.Unsent} requests scheduled in the measured window were never sent: the target fell behind --rate {run.Rate} and --max-outstanding was reached. Latency shows the backlog; throughput is what the target managed."));
            }

            foreach (var (kind, count) in run.Result.ErrorKinds)
            {
                writer.WriteLine(Invariant($"{run.Scenario}: {count} errors: {kind}"));
            }
        }
    }

    private static string[] Row(RunReport run) =>
    [
        run.Scenario,
        run.Rate is { } rate ? Invariant($"open {rate:0.#}/s") : Invariant($"closed x{run.Clients}"),
        Invariant($"{run.DurationSeconds:0.#} s"),
        Invariant($"{run.Result.Requests}"),
        Invariant($"{run.Result.Throughput:0.0}"),
        Ms(run.Result.P50Ms),
        Ms(run.Result.P90Ms),
        Ms(run.Result.P99Ms),
        Ms(run.Result.P999Ms),
        Ms(run.Result.MaxMs),
        Invariant($"{run.Result.Errors}"),
        Invariant($"{run.Result.Granted}"),
        Invariant($"{run.Result.Refused}"),
    ];

    private static string Ms(double value) => Invariant($"{value:0.00}");

    private static string Line(string[] cells, int[] widths)
        => string.Join("  ", cells.Select((c, i) => i < 2 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd();

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
