using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Grid.LoadTests.Scenarios;

namespace Grid.LoadTests.Http;

/// <summary>
/// Event-to-ATP freshness as a WMS and a sales channel see it together: a receipt of one unit for a probe
/// SKU-location, then <c>GET /api/v1/atp/{sku}</c> until the unit shows. A sample is the time from the 202 to the first
/// read that shows it. One probe is in flight at a time, spread over a few SKUs of its own; a probe refused with 429 is
/// counted and sent again after its <c>Retry-After</c>.
/// </summary>
internal sealed class FreshnessProbe(HttpClient client, string runPrefix, string location)
{
    public const int Skus = 8;
    public const long SeededQuantity = 1;

    /// <summary>A probe every 20 ms on an idle grid, every 50 ms beside load.</summary>
    public static readonly TimeSpan IdleInterval = TimeSpan.FromMilliseconds(20);

    public static readonly TimeSpan LoadedInterval = TimeSpan.FromMilliseconds(50);

    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ReadPause = TimeSpan.FromMilliseconds(1);

    /// <summary>What each probe SKU-location shows now; -1 until read (a probe made for a later pass finds more than seeded).</summary>
    private readonly long[] _expected = [.. Enumerable.Repeat(-1L, Skus)];
    private long _sequence;

    public string Sku(int index) => SkuOf(runPrefix, index);

    /// <summary>What to seed before the run: one unit at each probe SKU-location.</summary>
    public static IEnumerable<StockLine> InitialStock(string runPrefix, string location)
        => Enumerable.Range(0, Skus).Select(i => new StockLine(SkuOf(runPrefix, i), location, SeededQuantity));

    private static string SkuOf(string runPrefix, int index) => $"{runPrefix}-fresh{index}";

    /// <summary>Probes every <paramref name="interval"/> until <paramref name="duration"/> has passed.</summary>
    public async Task<FreshnessFigures> RunAsync(TimeSpan duration, TimeSpan interval, CancellationToken cancellationToken)
    {
        var samples = new List<double>();
        var refused = 0;
        var lost = 0;
        var clock = Stopwatch.StartNew();
        var next = TimeSpan.Zero;
        while (clock.Elapsed < duration)
        {
            if (next > clock.Elapsed)
            {
                await Task.Delay(next - clock.Elapsed, cancellationToken);
            }

            next += interval;
            var index = (int)(_sequence % Skus);
            var (outcome, milliseconds) = await ProbeAsync(index, cancellationToken);
            switch (outcome)
            {
                case Outcome.Seen:
                    samples.Add(milliseconds);
                    break;
                case Outcome.Refused:
                    refused++;
                    next = clock.Elapsed + TimeSpan.FromMilliseconds(milliseconds);
                    break;
                default:
                    lost++;
                    break;
            }
        }

        return FreshnessFigures.Of(samples, refused, lost);
    }

    private async Task<(Outcome Outcome, double Milliseconds)> ProbeAsync(int index, CancellationToken cancellationToken)
    {
        var sku = Sku(index);
        if (_expected[index] < 0)
        {
            _expected[index] = await AvailableAsync(sku, cancellationToken);
        }

        var id = Interlocked.Increment(ref _sequence);
        var receipt = new ReceiptEvent($"{runPrefix}-fresh-{Guid.NewGuid():N}-{id}", StockSeeder.Source, DateTimeOffset.UtcNow, "receipt", sku, location, 1);
        using var request = WarehouseIngestScenario.BatchRequest([receipt]);
        using (var response = await client.SendAsync(request, cancellationToken))
        {
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                return (Outcome.Refused, wait.TotalMilliseconds);
            }

            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                return (Outcome.Lost, 0);
            }
        }

        var accepted = Stopwatch.GetTimestamp();
        var expected = ++_expected[index];
        while (Stopwatch.GetElapsedTime(accepted) < GiveUpAfter)
        {
            if (await AvailableAsync(sku, cancellationToken) >= expected)
            {
                return (Outcome.Seen, Stopwatch.GetElapsedTime(accepted).TotalMilliseconds);
            }

            await Task.Delay(ReadPause, cancellationToken);
        }

        _expected[index] = await AvailableAsync(sku, cancellationToken);
        return (Outcome.Lost, 0);
    }

    private async Task<long> AvailableAsync(string sku, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync(new Uri($"{ScenarioSettings.DefaultAtpPathPrefix}{sku}", UriKind.Relative), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return -1;
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        return document.RootElement.TryGetProperty("available", out var available) ? available.GetInt64() : -1;
    }

    private enum Outcome
    {
        Seen,
        Refused,
        Lost,
    }
}

/// <summary>
/// Event-to-ATP samples of one pass: percentiles in milliseconds, probes refused (429) and probes never seen; and what
/// Grid's own <c>grid.warehouse.event_to_atp</c> histogram recorded over the pass for every event, not only the probes
/// (<c>grid*</c>: the upper bound of the bucket the percentile fell in).
/// </summary>
internal sealed record FreshnessFigures(int Samples, double? P50Ms, double? P90Ms, double? P99Ms, double? MaxMs, int Refused, int Lost)
{
    public const string GridMetric = "grid_warehouse_event_to_atp_seconds";

    public long? GridEvents { get; init; }

    public double? GridP50AtMostMs { get; init; }

    public double? GridP99AtMostMs { get; init; }

    /// <summary>Each figure's median over the rounds that have one; null when none has.</summary>
    public static FreshnessFigures? Median(IReadOnlyList<FreshnessFigures?> rounds)
    {
        var present = rounds.OfType<FreshnessFigures>().ToList();
        return present.Count == 0 ? null : new FreshnessFigures(
            (int)Reporting.Medians.Of(present, f => f.Samples),
            Reporting.Medians.OfPresent(present, f => f.P50Ms),
            Reporting.Medians.OfPresent(present, f => f.P90Ms),
            Reporting.Medians.OfPresent(present, f => f.P99Ms),
            Reporting.Medians.OfPresent(present, f => f.MaxMs),
            present.Sum(f => f.Refused),
            present.Sum(f => f.Lost));
    }

    public FreshnessFigures WithGrid(HistogramReading before, HistogramReading after)
        => this with
        {
            GridEvents = after.Count - before.Count,
            GridP50AtMostMs = after.PercentileSince(before, 50) * 1000,
            GridP99AtMostMs = after.PercentileSince(before, 99) * 1000,
        };

    public static FreshnessFigures Of(List<double> samples, int refused, int lost)
    {
        samples.Sort();
        double? At(double percentile) => samples.Count == 0 ? null
            : Math.Round(samples[Math.Min(samples.Count - 1, (int)Math.Ceiling(percentile / 100 * samples.Count) - 1)], 1);

        return new FreshnessFigures(samples.Count, At(50), At(90), At(99), samples.Count == 0 ? null : Math.Round(samples[^1], 1), refused, lost);
    }
}
