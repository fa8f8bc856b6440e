using System.Globalization;

namespace Grid.LoadTests.Reporting;

/// <summary>The <c>compare</c> table: one row per side per round, a median row per side, then the ratios.</summary>
internal static class CompareTable
{
    private static readonly string[] Headers =
        ["side", "round", "requests", "req/s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "errors", "granted", "refused"];

    public static void Write(TextWriter writer, CompareReport report)
    {
        var rows = new List<string[]>();
        foreach (var round in report.PerRound)
        {
            rows.Add(Row("grid", Invariant($"{round.Round}"), SideFigures.From(round.Grid)));
            if (round.GridOutboundOff is { } off)
            {
                rows.Add(Row("grid-off", Invariant($"{round.Round}"), SideFigures.From(off)));
            }

            rows.Add(Row("baseline", Invariant($"{round.Round}"), SideFigures.From(round.Baseline)));
            if (round.Ceiling is { } ceiling)
            {
                rows.Add(Row("ceiling", Invariant($"{round.Round}"), SideFigures.From(ceiling)));
            }
        }

        var medianRows = new List<string[]> { Row("grid", "median", report.Grid) };
        if (report.GridOutboundOff is { } offMedian)
        {
            medianRows.Add(Row("grid-off", "median", offMedian));
        }

        medianRows.Add(Row("baseline", "median", report.Baseline));
        if (report.Ceiling is { } median)
        {
            medianRows.Add(Row("ceiling", "median", median));
        }

        var widths = Headers.Select((h, i) => Math.Max(h.Length, rows.Concat(medianRows).Max(r => r[i].Length))).ToArray();
        var rule = string.Join("  ", widths.Select(w => new string('-', w)));

        var mode = report.Rate is { } rate ? Invariant($"open loop {rate:0.#} req/s") : Invariant($"closed loop x{report.Clients}");
        writer.WriteLine(Invariant($"{report.Scenario}: {mode}, {report.DurationSeconds:0.#} s measured per round and side, {report.Rounds} round(s), {report.Skus} SKUs"));
        writer.WriteLine(Line(Headers, widths));
        writer.WriteLine(rule);
        foreach (var row in rows)
        {
            writer.WriteLine(Line(row, widths));
        }

        writer.WriteLine(rule);
        foreach (var row in medianRows)
        {
            writer.WriteLine(Line(row, widths));
        }

        writer.WriteLine();
        writer.WriteLine(Invariant($"medians over {report.Rounds} round(s):"));
        writer.WriteLine(Invariant($"  throughput grid / baseline : {Times(report.Ratio)}"));
        writer.WriteLine(Invariant($"  p99 grid / baseline        : {Times(report.P99Ratio)}"));
        if (report.Ceiling is not null)
        {
            writer.WriteLine(Invariant($"  throughput grid / ceiling  : {Times(report.CeilingRatio)}"));
        }

        foreach (var (side, figures) in new[] { ("grid", report.Grid), ("grid-off", report.GridOutboundOff), ("baseline", report.Baseline), ("ceiling", report.Ceiling) })
        {
            if (figures?.Cpu is { } cpu)
            {
                writer.WriteLine(Invariant($"  cpu per request {side,-9}: server {cpu.ServerMsPerRequest:0.000} ms ({cpu.ServerCores:0.00} cores){(cpu.PostgresMsPerRequest is { } pg ? Invariant($", PostgreSQL {pg:0.000} ms ({cpu.PostgresCores:0.00} cores)") : "")}"));
            }
        }

        if (report.Grid.Cluster is { } cluster)
        {
            writer.WriteLine(Invariant($"  grid cluster              : {cluster.Silos} silo(s), activations {string.Join(" / ", cluster.Activations)} (most / fewest {cluster.ActivationSpread?.ToString("0.00", CultureInfo.InvariantCulture) ?? "-"})"));
            if (cluster.CrossSiloShare is { } crossed)
            {
                writer.WriteLine(Invariant($"  grain calls across silos  : {crossed:P1} of the requests silos received came from another silo; {cluster.CrossSiloCallsPerRequest:0.00} per API request"));
            }
        }

        if (report is { GridOutboundOff: { } gridOff, OutboundCost: { } cost })
        {
            writer.WriteLine(Invariant($"  outbound costs grid        : {cost:P1} of its throughput ({report.Grid.Throughput:0.0} req/s with the target, {gridOff.Throughput:0.0} without)"));
        }

        if (report.ItemsPerRequest > 1)
        {
            writer.WriteLine(Invariant($"  {report.ItemsPerRequest} items per request: grid {report.Grid.Throughput * report.ItemsPerRequest:0} items/s, baseline {report.Baseline.Throughput * report.ItemsPerRequest:0} items/s"));
        }

        if (report is { GridIngest: { } grid, BaselineIngest: { } baseline })
        {
            writer.WriteLine(Invariant($"  events applied/s (sending until the queues drained): grid {grid.AppliedPerSecond:0}, baseline {baseline.AppliedPerSecond:0}: {Times(report.AppliedRatio)}"));
            writer.WriteLine(Invariant($"  grid drain after the last request {grid.DrainSeconds:0.00} s; apply lag p50 {Ms(grid.LagP50Ms)} ms, p90 {Ms(grid.LagP90Ms)} ms, p99 {Ms(grid.LagP99Ms)} ms, max {Ms(grid.LagMaxMs)} ms over {grid.LagSamples} events"));
            if (grid.NewDeadLetters > 0 || grid.LeftQueued > 0)
            {
                writer.WriteLine(Invariant($"  grid: {grid.NewDeadLetters} events dead-lettered, {grid.LeftQueued} still queued when waiting gave up"));
            }
        }

        foreach (var (side, kinds) in new[] { ("grid", report.Grid.Kinds), ("baseline", report.Baseline.Kinds) })
        {
            foreach (var (kind, k) in kinds ?? new Dictionary<string, KindFigures>())
            {
                writer.WriteLine(Invariant($"  {side} {kind}: {k.Requests} answers, p50 {k.P50Ms:0.00} ms, p99 {k.P99Ms:0.00} ms"));
            }
        }

        if (report.GridFreshness is { } fresh)
        {
            writer.WriteLine(Invariant($"  grid event -> ATP beside the load: p50 {Ms(fresh.P50Ms)} ms, p99 {Ms(fresh.P99Ms)} ms over {fresh.Samples} probes ({fresh.Refused} refused, {fresh.Lost} lost)"));
        }

        foreach (var (side, o) in new[] { ("grid", report.GridOutbound), ("baseline", report.BaselineOutbound) })
        {
            if (o is not null)
            {
                writer.WriteLine(Invariant($"  outbound {side}: {o.Events} events in {o.Requests} requests, {o.DeliveredPerSecond:0} events/s; drained {o.DrainSeconds:0.00} s after the last request; delivery lag p50 {Ms(o.LagP50Ms)} ms, p99 {Ms(o.LagP99Ms)} ms, max {Ms(o.LagMaxMs)} ms"));
                if (o.BadSignatures > 0 || o.Repeats > 0 || o.OutOfOrder > 0 || o.LeftQueued > 0)
                {
                    writer.WriteLine(Invariant($"  outbound {side}: {o.BadSignatures} bad signatures, {o.Repeats} repeats, {o.OutOfOrder} out of order, {o.LeftQueued} still queued when waiting gave up"));
                }
            }
        }

        foreach (var round in report.PerRound)
        {
            Notes(writer, "grid", round.Round, round.Grid, report.Rate);
            Notes(writer, "baseline", round.Round, round.Baseline, report.Rate);
            if (round.Ceiling is { } ceiling)
            {
                Notes(writer, "ceiling", round.Round, ceiling, report.Rate);
            }
        }
    }

    private static void Notes(TextWriter writer, string side, int round, ScenarioResult result, double? rate)
    {
        if (result.Unsent > 0)
        {
            writer.WriteLine(Invariant($"{side} round {round}: {result.Unsent} requests scheduled in the measured window were never sent (fell behind --rate {rate}; --max-outstanding reached)."));
        }

        foreach (var (kind, count) in result.ErrorKinds)
        {
            writer.WriteLine(Invariant($"{side} round {round}: {count} errors: {kind}"));
        }
    }

    private static string[] Row(string side, string round, SideFigures f) =>
    [
        side,
        round,
        Invariant($"{f.Requests}"),
        Invariant($"{f.Throughput:0.0}"),
        Ms(f.P50Ms),
        Ms(f.P90Ms),
        Ms(f.P99Ms),
        Ms(f.P999Ms),
        Ms(f.MaxMs),
        Invariant($"{f.Errors}"),
        Invariant($"{f.Granted}"),
        Invariant($"{f.Refused}"),
    ];

    private static string Times(double? ratio) => ratio is { } r ? Invariant($"{r:0.###}x") : "n/a (the denominator is zero)";

    private static string Ms(double value) => Invariant($"{value:0.00}");

    private static string Ms(double? value) => value is { } v ? Ms(v) : "n/a";

    private static string Line(string[] cells, int[] widths)
        => string.Join("  ", cells.Select((c, i) => i < 2 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd();

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
