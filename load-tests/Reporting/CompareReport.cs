using System.Text.Json;
using System.Text.Json.Serialization;

namespace Grid.LoadTests.Reporting;

/// <summary>
/// One side's figures in a comparison: the figures of one round, or (in the report's <c>grid</c>, <c>baseline</c> and
/// <c>ceiling</c>) the median over the rounds, taken figure by figure (so the median p99 and the median throughput may
/// come from different rounds). With an even number of rounds the median is the mean of the two middle values; counts
/// are then rounded to whole numbers.
/// </summary>
internal sealed record SideFigures(
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
    long Unsent)
{
    public static SideFigures From(ScenarioResult r)
        => new(r.Throughput, r.P50Ms, r.P90Ms, r.P99Ms, r.P999Ms, r.MaxMs, r.Errors, r.Granted, r.Refused, r.Requests, r.Unsent);

    public static SideFigures Median(IReadOnlyList<ScenarioResult> rounds)
    {
        if (rounds.Count == 0)
        {
            throw new ArgumentException("No rounds to take the median of.", nameof(rounds));
        }

        return new SideFigures(
            Throughput: Math.Round(Median(rounds, r => r.Throughput), 1),
            P50Ms: Math.Round(Median(rounds, r => r.P50Ms), 3),
            P90Ms: Math.Round(Median(rounds, r => r.P90Ms), 3),
            P99Ms: Math.Round(Median(rounds, r => r.P99Ms), 3),
            P999Ms: Math.Round(Median(rounds, r => r.P999Ms), 3),
            MaxMs: Math.Round(Median(rounds, r => r.MaxMs), 3),
            Errors: Count(rounds, r => r.Errors),
            Granted: Count(rounds, r => r.Granted),
            Refused: Count(rounds, r => r.Refused),
            Requests: Count(rounds, r => r.Requests),
            Unsent: Count(rounds, r => r.Unsent))
        {
            Kinds = KindFigures.Median(rounds),
            Cpu = CpuFigures.Median(rounds),
            Cluster = ClusterFigures.Median(rounds),
        };
    }

    /// <summary>Mixed scenarios: each kind's figures, median over rounds.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, KindFigures>? Kinds { get; init; }

    /// <summary><c>compare --silos N</c>: how Grid's work spread over its silos (the last round's activations, medians of the rest).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ClusterFigures? Cluster { get; init; }

    /// <summary>The CPU the side's server and PostgreSQL used per request (median over rounds).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CpuFigures? Cpu { get; init; }

    public static double Median(IReadOnlyList<ScenarioResult> rounds, Func<ScenarioResult, double> figure) => Medians.Of(rounds, figure);

    private static long Count(IReadOnlyList<ScenarioResult> rounds, Func<ScenarioResult, long> figure)
        => (long)Math.Round(Median(rounds, r => figure(r)), MidpointRounding.AwayFromZero);
}

/// <summary>One round: each side's full result (error kinds included).</summary>
internal sealed record CompareRound(
    int Round,
    ScenarioResult Grid,
    ScenarioResult Baseline,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ScenarioResult? Ceiling)
{
    /// <summary><c>--outbound both</c>: the same round against a Grid with no outbound target.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ScenarioResult? GridOutboundOff { get; init; }
}

/// <summary>Where the comparison ran, so that figures from different machines are not mixed up.</summary>
internal sealed record CompareEnvironment(
    int ProcessorCount,
    string Os,
    string Runtime,
    string PostgresVersion,
    string? GridCommit);

/// <summary>
/// The <c>compare</c> JSON. <c>grid</c>, <c>baseline</c> and <c>ceiling</c> are medians over the rounds;
/// <c>ratio</c> = grid ÷ baseline median throughput, <c>p99Ratio</c> = grid ÷ baseline median p99,
/// <c>ceilingRatio</c> = grid ÷ ceiling median throughput (atp-read and atp-read-hot only). For
/// <c>warehouse-ingest</c>, where Grid answers 202 once events are durably queued and applies them after, the figures
/// that compare like with like are <c>gridIngest</c>/<c>baselineIngest</c> and <c>appliedRatio</c>.
/// </summary>
internal sealed record CompareReport(
    string Scenario,
    int Rounds,
    int Clients,
    double? Rate,
    double DurationSeconds,
    double WarmupSeconds,
    string Mode,
    int Skus,
    int ItemsPerRequest,
    string Aggregate,
    DateTimeOffset StartedAt,
    SideFigures Grid,
    SideFigures Baseline,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SideFigures? Ceiling,
    double? Ratio,
    double? P99Ratio,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? CeilingRatio,
    IReadOnlyList<CompareRound> PerRound,
    CompareEnvironment Environment)
{
    /// <summary><c>warehouse-ingest</c>: Grid's figures once its queues drained (median over rounds).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IngestFigures? GridIngest { get; init; }

    /// <summary><c>warehouse-ingest</c>: the baseline's (it applies before answering, so nothing drains).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IngestFigures? BaselineIngest { get; init; }

    /// <summary><c>warehouse-ingest</c>: events applied per second, grid ÷ baseline.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? AppliedRatio { get; init; }

    /// <summary><c>peak-mix</c>: Grid's event-to-ATP freshness beside the load (median over rounds of each figure).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Http.FreshnessFigures? GridFreshness { get; init; }

    /// <summary><c>--outbound on</c>: what Grid delivered to the receiver (median over rounds).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OutboundFigures? GridOutbound { get; init; }

    /// <summary><c>--outbound both</c>: Grid without an outbound target, measured in the same rounds (medians).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SideFigures? GridOutboundOff { get; init; }

    /// <summary>
    /// <c>--outbound both</c>: the share of Grid's throughput that outbound costs, 1 - grid ÷ grid-off, from the medians
    /// (negative when the run could not tell them apart).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? OutboundCost { get; init; }

    /// <summary><c>--outbound on</c>: what the baseline's outbox relay delivered (median over rounds).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OutboundFigures? BaselineOutbound { get; init; }

    public const string MedianOverRounds = "median over rounds";

    public static double? RatioOf(double numerator, double denominator)
        => denominator > 0 ? Math.Round(numerator / denominator, 3) : null;

    public Task WriteJsonAsync(string path, CancellationToken cancellationToken)
        => JsonReportFile.WriteAsync(path, this, CompareJson.Default.CompareReport, cancellationToken);

    /// <summary>Reads a report <see cref="WriteJsonAsync"/> wrote; null when the file holds JSON <c>null</c>.</summary>
    public static Task<CompareReport?> ReadJsonAsync(string path, CancellationToken cancellationToken)
        => JsonReportFile.ReadAsync(path, CompareJson.Default.CompareReport, cancellationToken);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(CompareReport))]
internal sealed partial class CompareJson : JsonSerializerContext;
