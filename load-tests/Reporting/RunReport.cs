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
    /// <summary><c>compare --silos N</c>, Grid: how its work spread over the silos.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ClusterFigures? Cluster { get; init; }

    /// <summary><c>compare</c>: the CPU the side's server and PostgreSQL used in the measured window.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CpuFigures? Cpu { get; init; }

    /// <summary><c>warehouse-ingest</c> only: what the pass came to once its events were applied.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IngestFigures? Ingest { get; init; }

    /// <summary>Mixed scenarios (<c>peak-mix</c>): latency per kind of request.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, KindFigures>? Kinds { get; init; }

    /// <summary><c>peak-mix</c>, Grid: event-to-ATP freshness measured beside the load.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Http.FreshnessFigures? Freshness { get; init; }

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
            ErrorKinds: new SortedDictionary<string, long>(m.ErrorKinds.ToDictionary(), StringComparer.Ordinal))
        {
            Kinds = m.ByLabel.Count == 0 ? null : new SortedDictionary<string, KindFigures>(
                m.ByLabel.ToDictionary(k => k.Key, k => KindFigures.From(k.Value)), StringComparer.Ordinal),
        };
    }
}

/// <summary>One kind of request in a mixed scenario: how many answered, and their latency percentiles in milliseconds.</summary>
internal sealed record KindFigures(long Requests, double P50Ms, double P99Ms)
{
    public static KindFigures From(HdrHistogram.HistogramBase h)
        => new(h.TotalCount, Math.Round(h.GetValueAtPercentile(50) / 1000.0, 3), Math.Round(h.GetValueAtPercentile(99) / 1000.0, 3));

    /// <summary>Each kind's median over the rounds that have it.</summary>
    public static IReadOnlyDictionary<string, KindFigures>? Median(IReadOnlyList<ScenarioResult> rounds)
    {
        var labels = rounds.SelectMany(r => r.Kinds?.Keys ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (labels.Count == 0)
        {
            return null;
        }

        return labels.ToDictionary(
            label => label,
            label =>
            {
                var present = rounds.Select(r => r.Kinds?.GetValueOrDefault(label)).OfType<KindFigures>().ToList();
                return new KindFigures(
                    (long)Medians.Of(present, k => k.Requests),
                    Math.Round(Medians.Of(present, k => k.P50Ms), 3),
                    Math.Round(Medians.Of(present, k => k.P99Ms), 3));
            },
            StringComparer.Ordinal);
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
