using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Grid.LoadTests.Reporting;

/// <summary>
/// The <c>availability-feed</c> and <c>availability-export</c> JSON: how fast a change reaches channels following the
/// feed's event stream while many follow it, and how long an export of every SKU-location takes, with the silo's
/// memory and CPU while it serves them.
/// </summary>
internal sealed record FeedReport(
    string Scenario,
    DateTimeOffset StartedAt,
    int SkuLocations,
    FeedStreamFigures? Stream,
    FeedExportFigures? Export,
    CompareEnvironment Environment)
{
    public Task WriteJsonAsync(string path, CancellationToken cancellationToken)
        => JsonReportFile.WriteAsync(path, this, FeedJson.Default.FeedReport, cancellationToken);

    public void WriteTable(TextWriter output)
    {
        output.WriteLine(Invariant($"{Scenario}: {SkuLocations:N0} SKU-locations, commit {Environment.GridCommit}"));
        if (Stream is { } s)
        {
            output.WriteLine(Invariant($"  {s.Subscribers:N0} stream subscribers; {s.Changes:N0} changes written at {s.ChangesPerSecond:0}/s over {s.Seconds:0} s ({s.FailedWrites} failed); write p50 {s.WriteP50Ms:0.0} ms, p99 {s.WriteP99Ms:0.0} ms"));
            output.WriteLine(Invariant($"  change -> subscriber (write sent -> event read, {s.Samples:N0} samples from {s.TimedSubscribers} subscribers): p50 {s.P50Ms:0.0} ms, p99 {s.P99Ms:0.0} ms, max {s.MaxMs:0.0} ms"));
            output.WriteLine(Invariant($"  {s.SubscribersWithEveryChange:N0} of {s.Subscribers:N0} subscribers got every change; {s.EventsDelivered:N0} events delivered ({s.EventsPerSecond:N0}/s); silo {s.SiloCores:0.00} cores busy, RSS {s.SiloRssMb:N0} MB"));
        }

        if (Export is { } e)
        {
            output.WriteLine(Invariant($"  export: {e.Lines:N0} lines ({e.Megabytes:N0} MB) in {e.Seconds:0.0} s ({e.LinesPerSecond:N0} lines/s); silo RSS {e.SiloRssBeforeMb:N0} MB before, at most {e.SiloRssPeakMb:N0} MB during; silo {e.SiloCpuSeconds:0.0} CPU-s"));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

internal sealed record FeedStreamFigures(
    int Subscribers,
    int TimedSubscribers,
    double Seconds,
    long Changes,
    double ChangesPerSecond,
    long FailedWrites,
    double WriteP50Ms,
    double WriteP99Ms,
    long Samples,
    double P50Ms,
    double P99Ms,
    double MaxMs,
    int SubscribersWithEveryChange,
    long EventsDelivered,
    double EventsPerSecond,
    double SiloCores,
    double SiloRssMb);

internal sealed record FeedExportFigures(long Lines, double Megabytes, double Seconds, double LinesPerSecond, double SiloRssBeforeMb, double SiloRssPeakMb, double SiloCpuSeconds);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(FeedReport))]
internal sealed partial class FeedJson : JsonSerializerContext;
