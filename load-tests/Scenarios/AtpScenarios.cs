using System.Text.Json;
using Grid.LoadTests.Http;

namespace Grid.LoadTests.Scenarios;

/// <summary>
/// <c>atp-read</c>: GET /api/v1/atp/{sku} (or <see cref="ScenarioSettings.AtpPathPrefix"/>{sku}), SKUs uniform over the
/// seeded set (one location each).
/// </summary>
internal sealed class AtpReadScenario(ScenarioSettings settings) : Scenario(settings)
{
    public const string ScenarioName = "atp-read";

    public override string Name => ScenarioName;

    public override bool FollowsAtpPathPrefix => true;

    public override IEnumerable<StockLine> InitialStock() => EverySku(1_000);

    public override HttpRequestMessage CreateRequest(long sequence)
        => new(HttpMethod.Get, new Uri(Settings.AtpPathPrefix + RandomSku(), UriKind.Relative));
}

/// <summary><c>atp-read-hot</c>: GET /api/v1/atp/{sku} on one SKU: every read goes to the same grains.</summary>
internal sealed class AtpReadHotScenario(ScenarioSettings settings) : Scenario(settings)
{
    public const string ScenarioName = "atp-read-hot";

    private readonly Uri _path = new(settings.AtpPathPrefix + settings.HotSku, UriKind.Relative);

    public override string Name => ScenarioName;

    public override bool FollowsAtpPathPrefix => true;

    public override IEnumerable<StockLine> InitialStock() => [new StockLine(Settings.HotSku, Settings.Location, 1_000)];

    public override HttpRequestMessage CreateRequest(long sequence) => new(HttpMethod.Get, _path);
}

/// <summary><c>atp-batch</c>: POST /api/v1/atp/query with 50 SKUs drawn uniformly from the seeded set.</summary>
internal sealed class AtpBatchScenario(ScenarioSettings settings) : Scenario(settings)
{
    public const string ScenarioName = "atp-batch";
    public const int ItemsPerQuery = 50;

    private static readonly Uri Path = new("api/v1/atp/query", UriKind.Relative);

    public override string Name => ScenarioName;

    public override int ItemsPerRequest => ItemsPerQuery;

    public override IEnumerable<StockLine> InitialStock() => EverySku(1_000);

    public override HttpRequestMessage CreateRequest(long sequence)
    {
        var items = new AtpQueryItem[ItemsPerQuery];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = new AtpQueryItem(RandomSku());
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(new AtpQuery(items), PayloadJson.Default.AtpQuery);
        return new HttpRequestMessage(HttpMethod.Post, Path) { Content = GridHttp.JsonContent(body) };
    }
}
