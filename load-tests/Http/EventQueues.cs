using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Grid.LoadTests.Http;

/// <summary>Grid's durable event queues as its ops API shows them (<c>GET /api/v1/ops/streams</c>).</summary>
internal static class EventQueues
{
    private static readonly Uri StreamsPath = new("api/v1/ops/streams", UriKind.Relative);
    private static readonly Uri MetricsPath = new("metrics", UriKind.Relative);
    private const string AppliedCounter = "grid_warehouse_events_applied_total";

    /// <summary>
    /// Queue depth and dead letters; null when the target has no durable queues (dev mode, the baseline); depth −1 when
    /// it did not answer (busy: 503, a timeout).
    /// </summary>
    public static async Task<(long Depth, long DeadLetters)?> StateAsync(HttpClient client, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.GetAsync(StreamsPath, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            if (!response.IsSuccessStatusCode)
            {
                return (-1, 0);
            }

            using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            var root = json.RootElement;
            if (!root.TryGetProperty("durable", out var durable) || durable.ValueKind != JsonValueKind.True
                || !root.TryGetProperty("depth", out var depth) || depth.ValueKind != JsonValueKind.Number)
            {
                return null;
            }

            var deadLetters = root.TryGetProperty("deadLetters", out var dead) && dead.ValueKind == JsonValueKind.Number ? dead.GetInt64() : 0;
            return (depth.GetInt64(), deadLetters);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return (-1, 0);
        }
    }

    /// <summary>
    /// How many queued events Grid has applied to their SKU-locations since it started (the sum of its
    /// <c>grid_warehouse_events_applied_total</c> series at <c>/metrics</c>); null where the target does not show it.
    /// </summary>
    public static async Task<long?> AppliedAsync(HttpClient client, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.GetAsync(MetricsPath, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            long? applied = null;
            using var reader = new StringReader(await response.Content.ReadAsStringAsync(cancellationToken));
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.StartsWith(AppliedCounter, StringComparison.Ordinal)
                    && line.Length > AppliedCounter.Length && line[AppliedCounter.Length] is '{' or ' '
                    && double.TryParse(line.AsSpan(line.LastIndexOf(' ') + 1), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value))
                {
                    applied = (applied ?? 0) + (long)value;
                }
            }

            return applied;
        }
        catch (Exception ex) when (ex is HttpRequestException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    /// <summary>
    /// Waits until the queues are empty, or (when <paramref name="appliedTarget"/> is given and the target counts what
    /// it applied) until that many events were applied, whichever comes first, polling every
    /// <paramref name="pollInterval"/>; answers how long that took and the dead-letter count then, or null at once when
    /// the target has no durable queues. Gives up after <paramref name="timeout"/> and answers with what was still queued.
    /// </summary>
    /// <remarks>
    /// The applied count ends the wait earlier than the queues do: a queue's rows are deleted only once Orleans' cache
    /// releases the messages delivered, bucket by bucket, some time after they were applied.
    /// </remarks>
    public static async Task<QueueDrain?> WaitUntilEmptyAsync(
        HttpClient client, TimeSpan pollInterval, TimeSpan timeout, CancellationToken cancellationToken, long? appliedTarget = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var state = await StateAsync(client, cancellationToken);
            if (state is null)
            {
                return null;
            }

            var (depth, deadLetters) = state.Value;
            var applied = await AppliedAsync(client, cancellationToken);
            if (depth == 0 || (applied is not null && applied >= appliedTarget) || (depth > 0 && clock.Elapsed > timeout))
            {
                return new QueueDrain(clock.Elapsed, depth == 0 || applied >= appliedTarget ? 0 : depth, deadLetters, applied);
            }

            await Task.Delay(pollInterval, cancellationToken);
        }
    }
}

/// <summary>
/// How long the queues took to empty (or every event to be applied), what was left when waiting gave up (0 when done),
/// and the dead letters and events applied (where counted) then.
/// </summary>
internal sealed record QueueDrain(TimeSpan Elapsed, long LeftQueued, long DeadLetters, long? Applied);
