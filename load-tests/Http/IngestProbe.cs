using System.Net;
using System.Text.Json;
using Grid.LoadTests.Reporting;
using Grid.LoadTests.Scenarios;

namespace Grid.LoadTests.Http;

/// <summary>
/// What a <c>warehouse-ingest</c> pass leaves behind: a 202 means "durably queued", so the pass is not over until every
/// event accepted was applied (by Grid's applied-events counter where it shows one, else when the target's event queues
/// are empty). Measures the drain, the applied rate over the whole pass (events accepted ÷ time
/// from the first request until the last event was applied) and the apply lag of a sample of SKU-locations: for each
/// receipt of the pass in their last movements, <c>appliedAt − occurredAt</c> (the scenario stamps occurredAt when it
/// builds the request, so the lag counts the HTTP request, the queue and the consumer). Where the target applies
/// synchronously (the baseline: no durable queues) the applied rate is the accepted rate and there is no drain.
/// </summary>
internal static class IngestProbe
{
    public const int LagSampleSkus = 200;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Waits for anything an earlier pass left queued, so that a pass drains only its own events.</summary>
    public static Task<QueueDrain?> SettleAsync(HttpClient client, CancellationToken cancellationToken)
        => EventQueues.WaitUntilEmptyAsync(client, PollInterval, DrainTimeout, cancellationToken);

    public static async Task<IngestFigures> MeasureAsync(
        HttpClient client, WarehouseIngestScenario scenario, TimeSpan sending, QueueDrain? before, bool sampleLag, CancellationToken cancellationToken)
    {
        var accepted = scenario.AcceptedEvents;
        var drain = await EventQueues.WaitUntilEmptyAsync(client, PollInterval, DrainTimeout, cancellationToken, appliedTarget: before?.Applied + accepted);
        var drainTime = drain?.Elapsed ?? TimeSpan.Zero;
        var lags = sampleLag && drain is not null ? await SampleLagAsync(client, scenario, cancellationToken) : [];
        lags.Sort();

        double? Lag(double percentile) => lags.Count == 0 ? null
            : Math.Round(lags[Math.Min(lags.Count - 1, (int)Math.Ceiling(percentile / 100 * lags.Count) - 1)], 1);

        return new IngestFigures(
            AcceptedEvents: accepted,
            SendingSeconds: Math.Round(sending.TotalSeconds, 2),
            DrainSeconds: Math.Round(drainTime.TotalSeconds, 2),
            AppliedPerSecond: Math.Round(accepted / (sending + drainTime).TotalSeconds, 1),
            LeftQueued: drain?.LeftQueued ?? 0,
            NewDeadLetters: drain is null || before is null ? 0 : drain.DeadLetters - before.DeadLetters,
            LagSamples: lags.Count,
            LagP50Ms: Lag(50),
            LagP90Ms: Lag(90),
            LagP99Ms: Lag(99),
            LagMaxMs: lags.Count == 0 ? null : Math.Round(lags[^1], 1));
    }

    private static async Task<List<double>> SampleLagAsync(HttpClient client, WarehouseIngestScenario scenario, CancellationToken cancellationToken)
    {
        var settings = scenario.Settings;
        var eventPrefix = scenario.EventIdPrefix;
        var lags = new List<double>();
        var sample = Enumerable.Range(0, settings.SkuCount).OrderBy(_ => Random.Shared.Next()).Take(LagSampleSkus);
        foreach (var index in sample)
        {
            var path = new Uri($"api/v1/inventory/{settings.Sku(index)}@{settings.Location}", UriKind.Relative);
            using var response = await client.GetAsync(path, cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                continue;
            }

            using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            if (!json.RootElement.TryGetProperty("recentMovements", out var movements))
            {
                continue;
            }

            foreach (var movement in movements.EnumerateArray())
            {
                if (movement.GetProperty("eventId").GetString() is { } id && id.StartsWith(eventPrefix, StringComparison.Ordinal))
                {
                    var lag = movement.GetProperty("appliedAt").GetDateTimeOffset() - movement.GetProperty("occurredAt").GetDateTimeOffset();
                    lags.Add(lag.TotalMilliseconds);
                }
            }
        }

        return lags;
    }
}
