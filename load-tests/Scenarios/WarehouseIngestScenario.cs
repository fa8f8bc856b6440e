using System.Net;
using System.Text.Json;
using Grid.LoadTests.Http;

namespace Grid.LoadTests.Scenarios;

/// <summary>
/// <c>warehouse-ingest</c>: POST /api/v1/warehouse/events with 100 receipts of one unit each, unique event ids, SKUs
/// drawn uniformly from the seeded set. A 202 whose <c>rejected</c> list is not empty counts as an error; a 429 (Grid
/// behind, nothing stored) counts as refused, and a closed-loop client waits its <c>Retry-After</c> before sending again.
/// </summary>
internal sealed class WarehouseIngestScenario(ScenarioSettings settings) : Scenario(settings)
{
    public const string ScenarioName = "warehouse-ingest";
    public const int EventsPerRequest = 100;

    public static readonly Uri Path = new("api/v1/warehouse/events", UriKind.Relative);

    private long _acceptedEvents;

    /// <summary>Events the target accepted (202) in this pass so far, lead-in included.</summary>
    public long AcceptedEvents => Interlocked.Read(ref _acceptedEvents);

    /// <summary>How every event id of this pass starts.</summary>
    public string EventIdPrefix => $"{Settings.IdPrefix}-e";

    public override string Name => ScenarioName;

    public override bool Writes => true;

    public override int ItemsPerRequest => EventsPerRequest;

    public override IEnumerable<StockLine> InitialStock() => EverySku(1_000);

    public override HttpRequestMessage CreateRequest(long sequence)
    {
        var now = DateTimeOffset.UtcNow;
        var events = new ReceiptEvent[EventsPerRequest];
        for (var i = 0; i < events.Length; i++)
        {
            events[i] = new ReceiptEvent($"{EventIdPrefix}{sequence}-{i}", StockSeeder.Source, now, "receipt", RandomSku(), Settings.Location, 1);
        }

        return BatchRequest(events);
    }

    /// <summary><c>POST /api/v1/warehouse/events</c> carrying <paramref name="events"/>.</summary>
    public static HttpRequestMessage BatchRequest(IReadOnlyList<ReceiptEvent> events)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new WarehouseEventBatch(events), PayloadJson.Default.WarehouseEventBatch);
        return new HttpRequestMessage(HttpMethod.Post, Path) { Content = GridHttp.JsonContent(body) };
    }

    public override async ValueTask<Outcome> ClassifyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            // Grid is behind applying events and stored none of the batch: a WMS waits as told, then sends again.
            return Outcome.Throttled(response);
        }

        if (response.StatusCode != HttpStatusCode.Accepted && !response.IsSuccessStatusCode)
        {
            return Outcome.HttpError(response);
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await using (stream)
        {
            var result = await JsonSerializer.DeserializeAsync(stream, PayloadJson.Default.EventBatchResult, cancellationToken);
            Interlocked.Add(ref _acceptedEvents, result?.Accepted ?? 0);
            return result is { Rejected.Count: > 0 } ? Outcome.Error("events rejected")
                : result?.Accepted == EventsPerRequest ? Outcome.Ok
                : Outcome.Error("events not all accepted");
        }
    }
}
