using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Grid.LoadTests.Reporting;

/// <summary>
/// One call kind's figures: the median over the rounds (the latency percentiles, mean, GC pause share and allocation
/// each taken figure by figure), and its throughput against the bare ping's.
/// </summary>
internal sealed record GrainCallFigures(
    string Call,
    SideFigures Median,
    double MeanMs,
    double GcPauseShare,
    double AllocatedBytesPerCall,
    double? ThroughputVsPing,
    bool? MeetsTarget);

/// <summary>
/// One call kind in one round. <c>meanMs</c>: the mean latency (in a closed loop, clients ÷ throughput by Little's law,
/// whatever the percentiles show). <c>gcPauseShare</c>: the share of the round's wall time (warm-up included) this
/// process spent paused for GC. <c>allocatedBytesPerCall</c>: bytes this process allocated per completed call, callers
/// and silo together. <c>gen0</c>, <c>gen1</c>, <c>gen2</c>: collections during the round.
/// </summary>
internal sealed record GrainCallRound(
    int Round,
    string Call,
    ScenarioResult Result,
    double MeanMs,
    double GcPauseShare,
    double AllocatedBytesPerCall,
    int Gen0,
    int Gen1,
    int Gen2);

/// <summary>Where the calls ran; the GC mode matters here, as the callers and the silo share one process.</summary>
internal sealed record GrainCallsEnvironment(
    int ProcessorCount,
    string Os,
    string Runtime,
    bool ServerGc,
    bool ConcurrentGc,
    string? GridCommit);

/// <summary>
/// The <c>grain-calls</c> JSON. <c>calls</c>: per call kind, the median over the rounds taken figure by figure (as
/// <c>compare</c> does); <c>throughputVsPing</c> = its median throughput ÷ the ping's; <c>meetsTarget</c> for the ATP
/// calls against <see cref="TargetCallsPerSecond"/>. <c>heap*</c>: the managed heap after a full GC in this process,
/// before and after seeding; per SKU-location = the difference ÷ SKU-locations (see <see cref="HeapNote"/>).
/// </summary>
internal sealed record GrainCallsReport(
    int Skus,
    int LocationsPerSku,
    int SkuLocations,
    int Clients,
    int Rounds,
    double DurationSeconds,
    double WarmupSeconds,
    double SeedSeconds,
    double SeedRate,
    long HeapBeforeSeedBytes,
    long HeapAfterSeedBytes,
    double HeapBytesPerSkuLocation,
    string HeapNote,
    double TargetCallsPerSecond,
    string Aggregate,
    IReadOnlyList<GrainCallFigures> Calls,
    IReadOnlyList<GrainCallRound> PerRound,
    DateTimeOffset StartedAt,
    GrainCallsEnvironment Environment)
{
    public const double Target = 100_000;

    public const string HeapNoteText =
        "Managed heap of this process after a full blocking GC (GC.GetTotalMemory(true)), before and after seeding. It " +
        "holds the SKU-location and SKU activations and, in dev mode, the in-memory storage's serialized copy of every " +
        "state (a JSON header per SKU-location), which a PostgreSQL-mode silo does not keep: an upper bound for the " +
        "resident state, not the scale verb's figure.";

    private static readonly string[] Headers =
        ["call", "calls/s", "mean ms", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "errors", "GC pause", "B/call", "vs ping", "target"];

    public Task WriteJsonAsync(string path, CancellationToken cancellationToken)
        => JsonReportFile.WriteAsync(path, this, GrainCallsJson.Default.GrainCallsReport, cancellationToken);

    public void WriteSummary(TextWriter writer)
    {
        writer.WriteLine(Invariant(
            $"grain calls in one process (dev-mode silo, in-memory providers, no HTTP): {Skus:N0} SKUs x {LocationsPerSku} location(s) = {SkuLocations:N0} SKU-locations"));
        writer.WriteLine(Invariant(
            $"{Clients} callers in a closed loop; {Aggregate} ({Rounds} x {DurationSeconds:0.#} s after {WarmupSeconds:0.#} s warm-up per call kind); {(Environment.ServerGc ? "Server" : "Workstation")} GC, {Environment.ProcessorCount} cores"));
        writer.WriteLine(Invariant(
            $"seeding: {SkuLocations:N0} receipts in {SeedSeconds:0.0} s = {SeedRate:N0} SKU-locations/s; managed heap per seeded SKU-location (dev mode, in-memory storage copy included): {HeapBytesPerSkuLocation:N0} B"));
        writer.WriteLine();

        var rows = Calls.Select(c => new[]
        {
            c.Call,
            Invariant($"{c.Median.Throughput:N0}"),
            Ms(c.MeanMs),
            Ms(c.Median.P50Ms),
            Ms(c.Median.P90Ms),
            Ms(c.Median.P99Ms),
            Ms(c.Median.P999Ms),
            Ms(c.Median.MaxMs),
            Invariant($"{c.Median.Errors}"),
            Invariant($"{c.GcPauseShare:P0}"),
            Invariant($"{c.AllocatedBytesPerCall:N0}"),
            c.ThroughputVsPing is { } ratio ? Invariant($"{ratio:0.00}x") : "",
            c.MeetsTarget is { } met ? (met ? Invariant($">= {Target:N0}: met") : Invariant($">= {Target:N0}: missed")) : "",
        }).ToList();
        var widths = Headers.Select((h, i) => Math.Max(h.Length, rows.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToArray();
        writer.WriteLine(Line(Headers, widths));
        writer.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in rows)
        {
            writer.WriteLine(Line(row, widths));
        }

        foreach (var round in PerRound.Where(r => r.Result.Errors > 0))
        {
            foreach (var (kind, count) in round.Result.ErrorKinds)
            {
                writer.WriteLine(Invariant($"round {round.Round}, {round.Call}: {count} errors: {kind}"));
            }
        }
    }

    private static string Ms(double value) => Invariant($"{value:0.000}");

    private static string Line(string[] cells, int[] widths)
        => string.Join("  ", cells.Select((c, i) => i == 0 || i == cells.Length - 1 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd();

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(GrainCallsReport))]
internal sealed partial class GrainCallsJson : JsonSerializerContext;
