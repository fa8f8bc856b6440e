using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Grid.LoadTests.Compare;

namespace Grid.LoadTests.Reporting;

/// <summary>
/// The <c>scale</c> JSON: how many SKU-locations were made resident and how fast, the silo's memory before seeding,
/// after it and after the read load, memory per SKU-location ((after − before) ÷ SKU-locations), and the ATP reads
/// measured while they were resident. Memory is read twice over: the resident set (<c>rss*</c>, after a full GC of the
/// silo when one could be induced, <see cref="FullGcInduced"/>; <c>rawRss*</c> just before it) and the GC heap that full
/// GC left (<c>gcHeap*</c>; null when it could not be had).
/// </summary>
internal sealed record ScaleReport(
    int SkuLocations,
    int Skus,
    int LocationsPerSku,
    double SeedSeconds,
    double SeedRate,
    int SeedConcurrency,
    double? RefreshSeconds,
    long RssBeforeBytes,
    long RssAfterSeedBytes,
    long RssAfterReadsBytes,
    double BytesPerSkuLocation,
    double KibPerSkuLocation,
    double BytesPerSkuLocationAfterReads,
    double KibPerSkuLocationAfterReads,
    double TargetKibPerSkuLocation,
    bool FullGcInduced,
    long? GcHeapBeforeBytes,
    long? GcHeapAfterSeedBytes,
    long? GcHeapAfterReadsBytes,
    double? GcHeapBytesPerSkuLocation,
    double? GcHeapKibPerSkuLocation,
    double? GcHeapBytesPerSkuLocationAfterReads,
    double? GcHeapKibPerSkuLocationAfterReads,
    long RawRssBeforeBytes,
    long RawRssAfterSeedBytes,
    long RawRssAfterReadsBytes,
    double RawBytesPerSkuLocation,
    double RawKibPerSkuLocation,
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

    private static readonly string[] HeapHeaders = ["GC heap after the GC", "change"];

    private const string Common =
        " RSS is the whole process: the GC heap with its fragmentation and the free regions Server GC (the silo's " +
        "default) keeps committed for its allocation budgets, the runtime, JIT'd code and native allocations; it is what " +
        "the machine pays, and with Server GC it swings with the GC's budgets. gcHeap* is the managed heap the full GC " +
        "left (generations 0-2, large and pinned object heaps, from the runtime's GCHeapStats event): what the resident " +
        "state itself takes. Per SKU-location = (after seeding - before seeding) / SKU-locations; both include the SKU " +
        "grains (one per SKU) and Orleans' bookkeeping per activation.";

    public const string MemoryNoteAfterGc =
        "VmRSS of the silo process (/proc/<pid>/status), read once the silo had run a full blocking GC (induced through " +
        "its diagnostics port, as dotnet-gcdump does) and its resident memory had stopped falling; rawRss* are the " +
        "readings just before that GC, garbage included." + Common;

    public const string MemoryNoteRaw =
        "VmRSS of the silo process (/proc/<pid>/status) as found: no full GC could be induced (see warnings), so it " +
        "includes garbage not yet collected, and there is no GC-heap figure." + Common;

    public static double PerSkuLocation(long before, long after, int skuLocations) => Math.Round((after - before) / (double)skuLocations, 1);

    public static double Kib(double bytes) => Math.Round(bytes / 1024, 3);

    public static double? PerSkuLocation(long? before, long? after, int skuLocations)
        => before is { } b && after is { } a ? PerSkuLocation(b, a, skuLocations) : null;

    public static double? Kib(double? bytes) => bytes is { } b ? Kib(b) : null;

    public Task WriteJsonAsync(string path, CancellationToken cancellationToken)
        => JsonReportFile.WriteAsync(path, this, ScaleJson.Default.ScaleReport, cancellationToken);

    /// <summary>The readable summary: the memory figures, then the read table (<see cref="ReportTable"/>), then warnings.</summary>
    public void WriteSummary(TextWriter writer)
    {
        writer.WriteLine(Invariant($"scale: {SkuLocations:N0} SKU-locations ({Skus:N0} SKUs x {LocationsPerSku} locations) resident in one Grid silo, PostgreSQL mode"));
        writer.WriteLine(Invariant($"seeding: {SkuLocations:N0} receipts in {SeedSeconds:0.0} s = {SeedRate:N0} SKU-locations/s ({SeedConcurrency} requests of 1,000 receipts in flight)"));
        if (RefreshSeconds is { } refresh)
        {
            writer.WriteLine(Invariant($"refresh: every SKU-location and SKU read once more in {refresh:0.0} s before the memory reading (seeding took longer than --refresh-after)"));
        }
        writer.WriteLine();
        var heap = GcHeapBeforeBytes is not null;
        var memory = new List<string[]>
        {
            FullGcInduced
                ? ["silo memory", "VmRSS as found", "after a full GC", "change", "RssAnon", .. heap ? HeapHeaders : []]
                : ["silo memory", "VmRSS as found", "change", "RssAnon"],
        };
        memory.Add(MemoryRow("before seeding", RawRssBeforeBytes, RssBeforeBytes, RssAnonBeforeBytes, null, GcHeapBeforeBytes, null));
        memory.Add(MemoryRow("after seeding", RawRssAfterSeedBytes, RssAfterSeedBytes, RssAnonAfterSeedBytes, RssAfterSeedBytes - RssBeforeBytes, GcHeapAfterSeedBytes, GcHeapAfterSeedBytes - GcHeapBeforeBytes));
        memory.Add(MemoryRow("after the read load", RawRssAfterReadsBytes, RssAfterReadsBytes, RssAnonAfterReadsBytes, RssAfterReadsBytes - RssBeforeBytes, GcHeapAfterReadsBytes, GcHeapAfterReadsBytes - GcHeapBeforeBytes));
        TextTable.Write(writer, memory, 0);
        writer.WriteLine(Invariant($"peak VmRSS (VmHWM): {Mib(RssPeakBytes)}"));
        writer.WriteLine();

        var perSkuLocation = new List<string[]>
        {
            new[] { Invariant($"per active SKU-location (target <= {TargetKibPerSkuLocation:0.#} KiB)"), "after seeding", "KiB", "after the reads", "KiB", "target" },
        };
        if (GcHeapKibPerSkuLocation is { } heapKib)
        {
            perSkuLocation.Add(PerRow("GC heap after a full GC", GcHeapBytesPerSkuLocation!.Value, heapKib, GcHeapBytesPerSkuLocationAfterReads, GcHeapKibPerSkuLocationAfterReads));
        }

        perSkuLocation.Add(PerRow(FullGcInduced ? "VmRSS after a full GC" : "VmRSS as found", BytesPerSkuLocation, KibPerSkuLocation, BytesPerSkuLocationAfterReads, KibPerSkuLocationAfterReads));
        if (FullGcInduced)
        {
            perSkuLocation.Add(PerRow("VmRSS as found (garbage included)", RawBytesPerSkuLocation, RawKibPerSkuLocation, null, null));
        }

        TextTable.Write(writer, perSkuLocation, 0);
        writer.WriteLine();
        foreach (var line in Wrap(Memory, 116))
        {
            writer.WriteLine(line);
        }

        writer.WriteLine();
        writer.WriteLine(Invariant($"ATP reads while resident: GET /api/v1/atp/{{sku}} uniform over the {Skus:N0} seeded SKUs ({LocationsPerSku} locations each), closed loop x{ReadClients}, {ReadDurationSeconds:0.#} s"));
        ReportTable.Write(writer, [new RunReport("atp-read", "", ReadClients, null, ReadDurationSeconds, 1, "closed", Skus, 1, StartedAt, Read)]);
        foreach (var warning in Warnings)
        {
            writer.WriteLine("warning: " + warning);
        }

        string[] MemoryRow(string label, long raw, long afterGc, long anon, long? delta, long? gcHeap, long? gcHeapDelta)
            => FullGcInduced
                ? [label, Mib(raw), Mib(afterGc), Delta(delta), Mib(anon), .. heap ? new[] { gcHeap is { } h ? Mib(h) : "?", Delta(gcHeapDelta) } : []]
                : [label, Mib(raw), Delta(delta), Mib(anon)];

        string[] PerRow(string label, double bytes, double kib, double? bytesAfterReads, double? kibAfterReads)
            =>
            [
                label,
                Invariant($"{bytes:N0} B"),
                Invariant($"{kib:0.00}"),
                bytesAfterReads is { } b ? Invariant($"{b:N0} B") : "",
                kibAfterReads is { } k ? Invariant($"{k:0.00}") : "",
                kib <= TargetKibPerSkuLocation ? "met" : "missed",
            ];
    }

    private static IEnumerable<string> Wrap(string text, int width)
    {
        var line = new System.Text.StringBuilder();
        foreach (var word in text.Split(' '))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear();
            }

            line.Append(line.Length > 0 ? " " : "").Append(word);
        }

        if (line.Length > 0)
        {
            yield return line.ToString();
        }
    }

    private static string Delta(long? bytes) => bytes is { } b ? (b < 0 ? "-" : "+") + Mib(Math.Abs(b)) : "";

    private static string Mib(long bytes) => ProcessMemory.Mib(bytes);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ScaleReport))]
internal sealed partial class ScaleJson : JsonSerializerContext;
