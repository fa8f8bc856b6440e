using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Grid.LoadTests.Reporting;

/// <summary>
/// The <c>bulk-import</c> JSON: how long an import of stock counts takes through the API (upload, then applied), and
/// what closed-loop ATP readers see meanwhile against the same readers with no import running.
/// </summary>
internal sealed record ImportReport(
    string Scenario,
    DateTimeOffset StartedAt,
    int Lines,
    int Readers,
    double UploadSeconds,
    double ImportSeconds,
    double LinesPerSecond,
    int AppliedLines,
    int FailedLines,
    ReaderFigures Idle,
    ReaderFigures DuringImport,
    double SiloCpuSecondsDuringImport,
    CompareEnvironment Environment)
{
    public Task WriteJsonAsync(string path, CancellationToken cancellationToken)
        => JsonReportFile.WriteAsync(path, this, ImportJson.Default.ImportReport, cancellationToken);

    public void WriteTable(TextWriter output)
    {
        output.WriteLine(Invariant($"{Scenario}: {Lines:N0} stock lines, {Readers} ATP readers, commit {Environment.GridCommit}"));
        output.WriteLine(Invariant($"  import: uploaded and stored in {UploadSeconds:0.0} s, applied in {ImportSeconds:0.0} s from the POST ({LinesPerSecond:N0} lines/s); {AppliedLines:N0} applied, {FailedLines:N0} failed; silo {SiloCpuSecondsDuringImport:0.0} CPU-s"));
        output.WriteLine(Invariant($"  ATP readers, no import:     {Idle.Reads:N0} reads ({Idle.ReadsPerSecond:N0}/s), p50 {Idle.P50Ms:0.0} ms, p99 {Idle.P99Ms:0.0} ms, {Idle.Failed} failed"));
        output.WriteLine(Invariant($"  ATP readers, during import: {DuringImport.Reads:N0} reads ({DuringImport.ReadsPerSecond:N0}/s), p50 {DuringImport.P50Ms:0.0} ms, p99 {DuringImport.P99Ms:0.0} ms, {DuringImport.Failed} failed"));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

internal sealed record ReaderFigures(long Reads, double ReadsPerSecond, double P50Ms, double P99Ms, long Failed)
{
    public static ReaderFigures From(double[] sortedMs, long failed, double seconds)
        => new(sortedMs.Length, Math.Round(sortedMs.Length / seconds), Percentiles.Of(sortedMs, 0.50), Percentiles.Of(sortedMs, 0.99), failed);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ImportReport))]
internal sealed partial class ImportJson : JsonSerializerContext;
