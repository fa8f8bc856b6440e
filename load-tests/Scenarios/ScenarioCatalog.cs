namespace Grid.LoadTests.Scenarios;

/// <summary>The scenarios by name, with the one-line description the usage text and README show.</summary>
internal static class ScenarioCatalog
{
    public sealed record Entry(string Name, string Description, Func<ScenarioSettings, Scenario> Create);

    public static IReadOnlyList<Entry> All { get; } =
    [
        new(AtpReadScenario.ScenarioName, "GET /api/v1/atp/{sku}, SKUs uniform over --skus", s => new AtpReadScenario(s)),
        new(AtpReadHotScenario.ScenarioName, "GET /api/v1/atp/{sku} on one SKU", s => new AtpReadHotScenario(s)),
        new(AtpBatchScenario.ScenarioName, $"POST /api/v1/atp/query, {AtpBatchScenario.ItemsPerQuery} SKUs per query", s => new AtpBatchScenario(s)),
        new(ReserveHotScenario.ScenarioName, "POST /api/v1/reservations, 1 unit, all on one SKU-location", s => new ReserveHotScenario(s)),
        new(ReserveSpreadScenario.ScenarioName, "POST /api/v1/reservations, 1 unit, uniform over --skus SKU-locations", s => new ReserveSpreadScenario(s)),
        new(OutboundDeliverScenario.ScenarioName, "reserve-spread with outbound delivery paused, then the backlog delivered to one target: events/s", s => new OutboundDeliverScenario(s)),
        new(WarehouseIngestScenario.ScenarioName, $"POST /api/v1/warehouse/events, {WarehouseIngestScenario.EventsPerRequest} receipts per request", s => new WarehouseIngestScenario(s)),
        new(PeakMixScenario.ScenarioName, $"open loop (--rate) mix: 85% ATP reads, 10% reservations (some on {PeakMixScenario.HotSkus} hot SKU-locations), 5% warehouse batches of {PeakMixScenario.EventsPerBatch} receipts; per-kind latency", s => new PeakMixScenario(s)),
        new(Cli.FeedCommand.StreamScenario, "compare only: Grid alone; --clients subscribers follow the availability event stream while reservations are written at --rate (default 100/s): change -> subscriber latency", s => new ReserveSpreadScenario(s)),
        new(Cli.FeedCommand.ExportScenario, "compare only: Grid alone; --skus SKU-locations seeded, then exported (GET /api/v1/availability/export): time and silo memory", s => new ReserveSpreadScenario(s)),
        new(Cli.ImportCommand.ScenarioName, "compare only: Grid alone; --clients ATP readers for --duration, then again while --skus stock-count lines are imported (POST /api/v1/imports): import time, lines/s, readers' p99 with and without", s => new AtpReadScenario(s)),
        new(Cli.FreshnessCommand.ScenarioName, "compare only: warehouse-ingest on Grid alone; its apply capacity, then event-to-ATP freshness idle and at 25/50/80% of that capacity (open loop)", s => new WarehouseIngestScenario(s)),
    ];

    public static IEnumerable<string> Names => All.Select(e => e.Name);

    public static bool Contains(string name) => All.Any(e => e.Name == name);

    public static Scenario Create(string name, ScenarioSettings settings)
        => All.FirstOrDefault(e => e.Name == name) is { } entry
            ? entry.Create(settings)
            : throw new ArgumentException($"No scenario '{name}'.", nameof(name));
}
