using System.Net;
using Grid.LoadTests.Http;

namespace Grid.LoadTests.Scenarios;

/// <summary>
/// <c>peak-mix</c>: a sales peak and a warehouse peak at once, meant for open loop (<c>--rate</c>). Of every 100
/// requests: 85 ATP reads of one SKU (uniform over <c>--skus</c>), 10 reservations of one unit (8 spread over the SKUs, 2
/// on one of a few hot SKU-locations), 5 warehouse batches of <see cref="EventsPerBatch"/> receipts. Each answer is
/// kept under its kind (<c>atp</c>, <c>reserve</c>, <c>events</c>) as well as overall. A 429 on a batch (Grid behind)
/// counts as refused.
/// </summary>
internal sealed class PeakMixScenario(ScenarioSettings settings) : Scenario(settings)
{
    public const string ScenarioName = "peak-mix";
    public const int EventsPerBatch = 20;
    public const int HotSkus = 4;
    public const long StockPerSku = 1_000_000_000;

    public const string Atp = "atp";
    public const string Reserve = "reserve";
    public const string Events = "events";

    private static readonly HttpRequestOptionsKey<string> KindKey = new("grid.load.kind");

    public override string Name => ScenarioName;

    public override bool Writes => true;

    public override bool FollowsAtpPathPrefix => false;

    public string HotSku(int index) => $"{Settings.RunPrefix}-hot{index}";

    public override IEnumerable<StockLine> InitialStock()
        => EverySku(StockPerSku)
            .Concat(Enumerable.Range(0, HotSkus).Select(i => new StockLine(HotSku(i), Settings.Location, StockPerSku)))
            .Concat(FreshnessProbe.InitialStock(Settings.RunPrefix, Settings.Location));

    public override HttpRequestMessage CreateRequest(long sequence)
    {
        var slot = (int)(sequence % 100);
        var request = slot switch
        {
            < 85 => new HttpRequestMessage(HttpMethod.Get, new Uri(Settings.AtpPathPrefix + RandomSku(), UriKind.Relative)),
            < 95 => ReservationScenario.Request(
                $"{Settings.IdPrefix}-r{sequence}", slot < 93 ? RandomSku() : HotSku(Random.Shared.Next(HotSkus)), Settings.Location),
            _ => Receipts(sequence),
        };
        request.Options.Set(KindKey, slot switch { < 85 => Atp, < 95 => Reserve, _ => Events });
        return request;
    }

    public override ValueTask<Outcome> ClassifyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var kind = response.RequestMessage?.Options.TryGetValue(KindKey, out var k) == true ? k : null;
        var outcome = (kind, response.StatusCode) switch
        {
            (Reserve, HttpStatusCode.Created or HttpStatusCode.OK) => Outcome.Granted,
            (Reserve, HttpStatusCode.Conflict) => Outcome.Refused,
            (Events, HttpStatusCode.TooManyRequests) => Outcome.Throttled(response) with { RetryAfter = null },
            (_, var status) when (int)status is >= 200 and < 300 => Outcome.Ok,
            _ => Outcome.HttpError(response),
        };
        return ValueTask.FromResult(outcome with { Label = kind });
    }

    private HttpRequestMessage Receipts(long sequence)
    {
        var now = DateTimeOffset.UtcNow;
        var events = new ReceiptEvent[EventsPerBatch];
        for (var i = 0; i < events.Length; i++)
        {
            events[i] = new ReceiptEvent($"{Settings.IdPrefix}-e{sequence}-{i}", StockSeeder.Source, now, "receipt", RandomSku(), Settings.Location, 1);
        }

        return WarehouseIngestScenario.BatchRequest(events);
    }
}
