using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Grid.LoadTests.Http;

namespace Grid.LoadTests.Reporting;

/// <summary>
/// The <c>warehouse-freshness</c> JSON: Grid's apply capacity (closed loop, its back-pressure on), event-to-ATP
/// freshness on an idle grid, and freshness while open-loop warehouse traffic offers a share of that capacity.
/// </summary>
internal sealed record FreshnessReport(
    DateTimeOffset StartedAt,
    double DurationSeconds,
    int EventsPerRequest,
    IngestFigures Capacity,
    FreshnessFigures Idle,
    IReadOnlyList<FreshnessLevel> Levels,
    CompareEnvironment Environment)
{
    public Task WriteJsonAsync(string path, CancellationToken cancellationToken)
        => JsonReportFile.WriteAsync(path, this, FreshnessJson.Default.FreshnessReport, cancellationToken);

    public void WriteTable(TextWriter output)
    {
        output.WriteLine(Invariant($"warehouse-freshness: {DurationSeconds:0} s per pass, {EventsPerRequest} receipts per request, commit {Environment.GridCommit}"));
        output.WriteLine(Invariant($"  apply capacity (closed loop): {Capacity.AppliedPerSecond:0} events/s, apply lag p99 {Capacity.LagP99Ms} ms"));
        output.WriteLine(Invariant($"  idle: event -> ATP p50 {Idle.P50Ms} ms, p99 {Idle.P99Ms} ms ({Idle.Samples} probes); Grid's histogram p50 <= {Idle.GridP50AtMostMs} ms, p99 <= {Idle.GridP99AtMostMs} ms"));
        foreach (var level in Levels)
        {
            output.WriteLine(Invariant(
                $"  {level.Percent,3}% ({level.OfferedEventsPerSecond:0} events/s offered, {level.Ingest.AppliedPerSecond:0} applied, {level.RefusedRequests} requests refused): event -> ATP p50 {level.Freshness.P50Ms} ms, p99 {level.Freshness.P99Ms} ms ({level.Freshness.Samples} probes); Grid's histogram p50 <= {level.Freshness.GridP50AtMostMs} ms, p99 <= {level.Freshness.GridP99AtMostMs} ms"));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>One open-loop pass at <see cref="Percent"/> of the measured capacity.</summary>
internal sealed record FreshnessLevel(int Percent, double OfferedEventsPerSecond, long RefusedRequests, IngestFigures Ingest, FreshnessFigures Freshness);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(FreshnessReport))]
internal sealed partial class FreshnessJson : JsonSerializerContext;
