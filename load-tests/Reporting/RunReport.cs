using System.Text.Json;
using System.Text.Json.Serialization;
using Grid.LoadTests.Running;
using HdrHistogram;

namespace Grid.LoadTests.Reporting;

/// <summary>
/// The figures of one measured run. Throughput: answers (any outcome) that arrived in the measured window, per second.
/// Latencies (ms), errors, granted, refused and requests: the requests started (closed loop) or scheduled (open loop)
/// in the window. Unsent: open loop, scheduled in the window but never sent because the target fell behind.
/// </summary>
internal sealed record ScenarioResult(
    double Throughput,
    double P50Ms,
    double P90Ms,
    double P99Ms,
    double P999Ms,
    double MaxMs,
    long Errors,
    long Granted,
    long Refused,
    long Requests,
    long Unsent,
    IReadOnlyDictionary<string, long> ErrorKinds)
{
    /// <summary><c>warehouse-ingest</c> only: what the pass came to once its events were applied.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IngestFigures? Ingest { get; init; }

    /// <summary><c>compare --outbound on</c>: what the webhook receiver got from this side during the pass and its drain.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OutboundFigures? Outbound { get; init; }

    public static ScenarioResult From(Measurement m, TimeSpan duration)
    {
        var h = m.Latency;
        double Ms(long micros) => Math.Round(micros / 1000.0, 3);
        double At(double percentile) => h.TotalCount == 0 ? 0 : Ms(h.GetValueAtPercentile(percentile));

        return new ScenarioResult(
            Throughput: Math.Round(m.CompletedInWindow / duration.TotalSeconds, 1),
            P50Ms: At(50),
            P90Ms: At(90),
            P99Ms: At(99),
            P999Ms: At(99.9),
            MaxMs: h.TotalCount == 0 ? 0 : Ms(h.GetMaxValue()),
            Errors: m.Errors,
            Granted: m.Granted,
            Refused: m.Refused,
            Requests: m.Requests,
            Unsent: m.Unsent,
            ErrorKinds: new SortedDictionary<string, long>(m.ErrorKinds.ToDictionary(), StringComparer.Ordinal));
    }
}

/// <summary>One scenario run against one target: what was asked for and what came out (the <c>--out</c> JSON).</summary>
internal sealed record RunReport(
    string Scenario,
    string Target,
    int Clients,
    double? Rate,
    double DurationSeconds,
    double WarmupSeconds,
    string Mode,
    int Skus,
    int ItemsPerRequest,
    DateTimeOffset StartedAt,
    ScenarioResult Result)
{
    public Task WriteJsonAsync(string path, CancellationToken cancellationToken)
        => JsonReportFile.WriteAsync(path, this, ReportJson.Default.RunReport, cancellationToken);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(RunReport))]
internal sealed partial class ReportJson : JsonSerializerContext;
