using System.Net;
using System.Text.Json;
using Grid.LoadTests.Http;

namespace Grid.LoadTests.Scenarios;

/// <summary>
/// Reservations of one unit each with a unique reservation id per request. 201 (or 200 for an idempotent replay) is
/// granted, 409 (not enough available) is refused, anything else is an error.
/// </summary>
internal abstract class ReservationScenario(ScenarioSettings settings) : Scenario(settings)
{
    public const string Channel = "web";

    private static readonly Uri Path = new("api/v1/reservations", UriKind.Relative);

    protected abstract string SkuFor(long sequence);

    public override HttpRequestMessage CreateRequest(long sequence)
        => Request($"{Settings.IdPrefix}-r{sequence}", SkuFor(sequence), Settings.Location);

    /// <summary><c>POST /api/v1/reservations</c> for one unit on the <see cref="Channel"/> channel.</summary>
    public static HttpRequestMessage Request(string reservationId, string sku, string location)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new ReservationRequest(reservationId, sku, location, 1, Channel), PayloadJson.Default.ReservationRequest);
        return new HttpRequestMessage(HttpMethod.Post, Path) { Content = GridHttp.JsonContent(body) };
    }

    public override ValueTask<Outcome> ClassifyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
        => ValueTask.FromResult(response.StatusCode switch
        {
            HttpStatusCode.Created or HttpStatusCode.OK => Outcome.Granted,
            HttpStatusCode.Conflict => Outcome.Refused,
            _ => Outcome.HttpError(response),
        });
}

/// <summary><c>reserve-hot</c>: every reservation on one SKU-location whose stock never runs out: the single-writer case.</summary>
internal sealed class ReserveHotScenario(ScenarioSettings settings) : ReservationScenario(settings)
{
    public const string ScenarioName = "reserve-hot";

    /// <summary>Far more than any run can reserve at one unit a request.</summary>
    public const long Stock = 1_000_000_000_000;

    public override string Name => ScenarioName;

    public override bool Writes => true;

    public override IEnumerable<StockLine> InitialStock() => [new StockLine(Settings.HotSku, Settings.Location, Stock)];

    protected override string SkuFor(long sequence) => Settings.HotSku;
}

/// <summary><c>reserve-spread</c>: reservations uniform over the seeded SKU-locations, each with ample stock.</summary>
internal class ReserveSpreadScenario(ScenarioSettings settings) : ReservationScenario(settings)
{
    public const string ScenarioName = "reserve-spread";
    public const long StockPerSku = 1_000_000_000;

    public override string Name => ScenarioName;

    public override bool Writes => true;

    public override IEnumerable<StockLine> InitialStock() => EverySku(StockPerSku);

    protected override string SkuFor(long sequence) => RandomSku();
}

/// <summary>
/// <c>outbound-deliver</c>: the requests of <c>reserve-spread</c> with delivery paused, so that each change waits in the
/// outbox; then delivery resumes and the figure is how fast the backlog reaches the receiver (events/s to one target).
/// </summary>
internal sealed class OutboundDeliverScenario(ScenarioSettings settings) : ReserveSpreadScenario(settings)
{
    public new const string ScenarioName = "outbound-deliver";

    public override string Name => ScenarioName;

    public override bool MeasuresDelivery => true;
}
