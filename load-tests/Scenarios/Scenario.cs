namespace Grid.LoadTests.Scenarios;

/// <summary>
/// One kind of traffic. A scenario says what stock it needs (seeded before the clock starts), builds the request for
/// a given sequence number (unique within the run, so ids built from it are unique) and classifies each answer.
/// Scenarios know nothing of timing or of which server they hit, so the same one runs against Grid or a baseline.
/// Implementations must be thread-safe: requests are created concurrently.
/// </summary>
internal abstract class Scenario
{
    protected Scenario(ScenarioSettings settings)
    {
        Settings = settings;
    }

    public ScenarioSettings Settings { get; }

    public abstract string Name { get; }

    /// <summary>Units of work per request (SKUs queried, events sent), so that a report can give items per second.</summary>
    public virtual int ItemsPerRequest => 1;

    /// <summary>
    /// Whether the requests follow <see cref="ScenarioSettings.AtpPathPrefix"/>, so that the baseline's in-memory
    /// ceiling endpoint (<c>ceiling/atp/</c>) can serve them as well.
    /// </summary>
    public virtual bool FollowsAtpPathPrefix => false;

    /// <summary>Whether the requests change stock, and so cause outbound events (<c>compare --outbound</c> defaults to on for them).</summary>
    public virtual bool Writes => false;

    /// <summary>Whether the pass runs with outbound delivery paused and is measured by how fast the backlog drains after.</summary>
    public virtual bool MeasuresDelivery => false;

    /// <summary>Stock to receive before the run; repeated runs use fresh SKUs (the run prefix).</summary>
    public abstract IEnumerable<StockLine> InitialStock();

    /// <summary>The request to send as number <paramref name="sequence"/> of the run (0, 1, 2, …).</summary>
    public abstract HttpRequestMessage CreateRequest(long sequence);

    /// <summary>Success for any 2xx; override where some refusals are expected answers rather than errors.</summary>
    public virtual ValueTask<Outcome> ClassifyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
        => ValueTask.FromResult(response.IsSuccessStatusCode ? Outcome.Ok : Outcome.HttpError(response));

    protected string RandomSku() => Settings.Sku(Random.Shared.Next(Settings.SkuCount));

    protected IEnumerable<StockLine> EverySku(long quantity)
        => Enumerable.Range(0, Settings.SkuCount).Select(i => new StockLine(Settings.Sku(i), Settings.Location, quantity));
}

/// <summary>
/// What a scenario is parameterised by; the run prefix makes its SKUs and ids unique to this run. <see cref="IdPrefix"/>
/// (the run prefix unless set) starts the reservation and event ids, so that several measured passes over the same
/// seeded SKUs (the rounds of <c>compare</c>) never replay each other's ids. <see cref="AtpPathPrefix"/> is where the
/// single-SKU ATP scenarios send their GETs.
/// </summary>
internal sealed record ScenarioSettings(string RunPrefix, int SkuCount, string Location)
{
    public const string DefaultLocation = "LT1";
    public const string DefaultAtpPathPrefix = "api/v1/atp/";

    public string IdPrefix { get; init; } = RunPrefix;

    public string AtpPathPrefix { get; init; } = DefaultAtpPathPrefix;

    public string Sku(int index) => $"{RunPrefix}-{index:D6}";

    public string HotSku => $"{RunPrefix}-hot";

    /// <summary>A prefix unique to this run, valid in SKUs and ids: <c>lt</c>, UTC time to the second, four random characters.</summary>
    public static string NewRunPrefix()
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        Span<char> random = stackalloc char[4];
        for (var i = 0; i < random.Length; i++)
        {
            random[i] = alphabet[Random.Shared.Next(alphabet.Length)];
        }

        return $"lt{DateTime.UtcNow:yyMMddHHmmss}{random}";
    }
}

/// <summary>A quantity to receive at a SKU-location before the run.</summary>
internal readonly record struct StockLine(string Sku, string Location, long Quantity);

internal enum OutcomeKind
{
    Ok,
    Granted,
    Refused,
    Error,
}

/// <summary>
/// How one request ended. Errors carry a short kind ("HTTP 500", "timeout") for the report; a refusal that says when to
/// come back (429 with <c>Retry-After</c>) carries that wait, which a closed-loop client honours before its next request.
/// </summary>
internal readonly record struct Outcome(OutcomeKind Kind, string? ErrorKind = null, TimeSpan? RetryAfter = null)
{
    /// <summary>The kind of request this answers, in a mixed scenario (its latency is also kept per kind); null otherwise.</summary>
    public string? Label { get; init; }

    /// <summary>A 429 with <c>Retry-After</c> (1 s when the header is missing): counted as refused.</summary>
    public static Outcome Throttled(HttpResponseMessage response)
        => new(OutcomeKind.Refused, RetryAfter: response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));

    public static Outcome Ok { get; } = new(OutcomeKind.Ok);

    public static Outcome Granted { get; } = new(OutcomeKind.Granted);

    public static Outcome Refused { get; } = new(OutcomeKind.Refused);

    public static Outcome Error(string kind) => new(OutcomeKind.Error, kind);

    public static Outcome HttpError(HttpResponseMessage response) => Error($"HTTP {(int)response.StatusCode}");
}
