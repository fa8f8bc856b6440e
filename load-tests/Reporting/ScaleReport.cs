using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Grid.LoadTests.Compare;

namespace Grid.LoadTests.Reporting;

/// <summary>
/// The <c>scale</c> JSON: how many SKU-locations were made resident, how fast, the silo's resident memory before
/// seeding, after it and after the read load, memory per SKU-location ((after − before) ÷ SKU-locations), and the ATP
/// reads measured while they were resident.
/// </summary>
internal sealed record ScaleReport(
    int SkuLocations,
    int Skus,
    int LocationsPerSku,
    double SeedSeconds,
    double SeedRate,
    int SeedConcurrency,
    long RssBeforeBytes,
    long RssAfterSeedBytes,
    long RssAfterReadsBytes,
    double BytesPerSkuLocation,
    double KibPerSkuLocation,
    double BytesPerSkuLocationAfterReads,
    double KibPerSkuLocationAfterReads,
    double TargetKibPerSkuLocation,
    long RssAnonBeforeBytes,
    long RssAnonAfterSeedBytes,
    long RssAnonAfterReadsBytes,
    long RssPeakBytes,
    string Memory,
    double ReadDurationSeconds,
    int ReadClients,
    ScenarioResult Read,
    IReadOnlyList<string> Warnings,
    DateTimeOffset StartedAt,
    CompareEnvironment Environment)
{
    public const double TargetKib = 4;

    public const string MemoryNote =
        "VmRSS of the silo process from /proc/<pid>/status: the whole process, so it includes garbage not yet collected " +
        "and memory the GC keeps committed (the silo runs Server GC, its default). Grid exposes no GC-heap figure, so " +
        "the GC heap alone is not measured. Per SKU-location = (after seeding - before seeding) / SKU-locations; the " +
        "figure includes the SKU grains (one per SKU) and each SKU-location's share of Orleans' activation bookkeeping.";

    public static double PerSkuLocation(long before, long after, int skuLocations) => Math.Round((after - before) / (double)skuLocations, 1);

    public static double Kib(double bytes) => Math.Round(bytes / 1024, 3);

    public async Task WriteJsonAsync(string path, CancellationToken cancellationToken)
    {
        var stream = File.Create(path);
        await using (stream)
        {
            await JsonSerializer.SerializeAsync(stream, this, ScaleJson.Default.ScaleReport, cancellationToken);
        }
    }

    /// <summary>The readable summary: the memory figures, then the read table (<see cref="ReportTable"/>), then warnings.</summary>
    public void WriteSummary(TextWriter writer)
    {
        writer.WriteLine(Invariant($"scale: {SkuLocations:N0} SKU-locations ({Skus:N0} SKUs x {LocationsPerSku} locations) resident in one Grid silo, PostgreSQL mode"));
        writer.WriteLine(Invariant($"seeding: {SkuLocations:N0} receipts in {SeedSeconds:0.0} s = {SeedRate:N0} SKU-locations/s ({SeedConcurrency} requests of 1,000 receipts in flight)"));
        writer.WriteLine("silo memory, VmRSS (RssAnon):");
        writer.WriteLine(Invariant($"  before seeding        {Mib(RssBeforeBytes),12}  ({Mib(RssAnonBeforeBytes)})"));
        writer.WriteLine(Invariant($"  after seeding         {Mib(RssAfterSeedBytes),12}  ({Mib(RssAnonAfterSeedBytes)})   {Delta(RssAfterSeedBytes - RssBeforeBytes)}"));
        writer.WriteLine(Invariant($"  after the read load   {Mib(RssAfterReadsBytes),12}  ({Mib(RssAnonAfterReadsBytes)})   {Delta(RssAfterReadsBytes - RssBeforeBytes)}"));
        writer.WriteLine(Invariant($"  peak (VmHWM)          {Mib(RssPeakBytes),12}"));
        var verdict = KibPerSkuLocation <= TargetKibPerSkuLocation ? "met" : "missed";
        writer.WriteLine(Invariant(
            $"per active SKU-location: {BytesPerSkuLocation:N0} bytes = {KibPerSkuLocation:0.00} KiB after seeding (target <= {TargetKibPerSkuLocation:0.#} KiB: {verdict}); {BytesPerSkuLocationAfterReads:N0} bytes = {KibPerSkuLocationAfterReads:0.00} KiB after the reads"));
        writer.WriteLine("  (" + MemoryNote + ")");
        writer.WriteLine();
        writer.WriteLine(Invariant($"ATP reads while resident: GET /api/v1/atp/{{sku}} uniform over the {Skus:N0} seeded SKUs ({LocationsPerSku} locations each), closed loop x{ReadClients}, {ReadDurationSeconds:0.#} s"));
        ReportTable.Write(writer, [new RunReport("atp-read", "", ReadClients, null, ReadDurationSeconds, 1, "closed", Skus, 1, StartedAt, Read)]);
        foreach (var warning in Warnings)
        {
            writer.WriteLine("warning: " + warning);
        }
    }

    private static string Mib(long bytes) => ProcessMemory.Mib(bytes);

    private static string Delta(long bytes) => (bytes < 0 ? "-" : "+") + ProcessMemory.Mib(Math.Abs(bytes));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ScaleReport))]
internal sealed partial class ScaleJson : JsonSerializerContext;
