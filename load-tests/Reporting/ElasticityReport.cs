using System.Globalization;
using System.Text.Json.Serialization;
using Grid.LoadTests.Elasticity;

namespace Grid.LoadTests.Reporting;

/// <summary>
/// The <c>elasticity</c> JSON and summary: per cluster change what clients saw, how long until the cluster was
/// balanced again, and whether the target was met; then whether anything acknowledged was lost or applied twice.
/// </summary>
internal sealed record ElasticityReport(
    DateTimeOffset StartedAt,
    CompareEnvironment Environment,
    int Silos,
    string Gateway,
    double Rate,
    double SteadySeconds,
    double ObserveSeconds,
    double KillWindowSeconds,
    int Requests,
    IReadOnlyList<ElasticityCase> Cases,
    LossFigures Loss,
    bool Met)
{
    private static readonly string[] Header = ["change", "requests", "failed", "failures", "ended after", "p99 ms", "max ms", "apply lag", "silos", "balanced after", "target"];

    public Task WriteJsonAsync(string path, CancellationToken cancellationToken)
        => JsonReportFile.WriteAsync(path, this, ElasticityJson.Default.ElasticityReport, cancellationToken);

    public void WriteSummary(TextWriter writer)
    {
        writer.WriteLine(Invariant($"elasticity: {Silos} silos + {Gateway} gateway, {Rate:0} operations/s open loop (3 reservations : 1 receipt), {Requests:N0} requests"));
        var rows = new List<string[]> { Header };
        rows.AddRange(Cases.Select(c => new[]
        {
            c.Change,
            Invariant($"{c.Clients.Requests:N0}"),
            Invariant($"{c.Clients.Failed:N0}"),
            c.Clients.FailuresByKind.Count == 0 ? "-" : string.Join("; ", c.Clients.FailuresByKind.Select(f => Invariant($"{f.Value} x {f.Key}"))),
            c.Clients.FailuresEndedAfterSeconds is { } s ? Invariant($"{s:0.0} s") : "-",
            Invariant($"{c.Clients.P99Ms:0}"),
            Invariant($"{c.Clients.MaxMs:0}"),
            c.MaxApplyLagSeconds is { } lag ? Invariant($"{lag:0.0} s") : "-",
            Invariant($"{c.SilosAfter}"),
            c.BalancedAfterSeconds is { } b ? Invariant($"{b:0} s") : Invariant($"not in {ObserveSeconds:0} s ({c.ActivationSpread:0.0}x)"),
            c.Met ? "met" : "missed",
        }));
        TextTable.Write(writer, rows, 0, 3);

        writer.WriteLine(Invariant(
            $"acknowledged: {Loss.ReservationsAcknowledged:N0} reservations ({Loss.ReservationsLost} lost, {Loss.ReservationsTwice} twice), {Loss.ReceiptsAccepted:N0} receipts ({Loss.ReceiptsLost} lost, {Loss.ReceiptsTwice} twice), {Loss.GivenUp} given up"));
        foreach (var difference in Loss.Differences.Take(10))
        {
            writer.WriteLine("  " + difference);
        }

        writer.WriteLine(Met ? "every target met" : "target missed");
    }

    public static ElasticityCase Case(CaseResult result, TimeSpan killWindow) => new(
        result.Change.Name(),
        result.Change.Describe(),
        result.Change.Target(killWindow),
        Math.Round(result.At, 1),
        result.ActionSeconds,
        result.SilosAfter,
        result.Clients,
        result.MaxApplyLagSeconds,
        result.Balance.Seconds is { } s ? Math.Round(s, 1) : null,
        result.Balance.Spread is { } spread ? Math.Round(spread, 2) : null,
        result.Balance.Activations,
        result.Met);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>One change as reported; <see cref="BalancedAfterSeconds"/> counts from the end of the change.</summary>
internal sealed record ElasticityCase(
    string Change,
    string Description,
    string Target,
    double AtSeconds,
    double ChangeSeconds,
    int SilosAfter,
    CaseFigures Clients,
    double? MaxApplyLagSeconds,
    double? BalancedAfterSeconds,
    double? ActivationSpread,
    IReadOnlyList<int> Activations,
    bool Met);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ElasticityReport))]
internal sealed partial class ElasticityJson : JsonSerializerContext;
