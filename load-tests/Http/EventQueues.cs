using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Grid.LoadTests.Http;

/// <summary>Grid's durable event queues as its ops API shows them (<c>GET /api/v1/ops/streams</c>).</summary>
internal static class EventQueues
{
    private static readonly Uri StreamsPath = new("api/v1/ops/streams", UriKind.Relative);

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
    /// Waits until the queues are empty, polling every <paramref name="pollInterval"/>; answers how long that took and
    /// the dead-letter count then, or null at once when the target has no durable queues. Gives up after
    /// <paramref name="timeout"/> and answers with what was still queued.
    /// </summary>
    public static async Task<QueueDrain?> WaitUntilEmptyAsync(HttpClient client, TimeSpan pollInterval, TimeSpan timeout, CancellationToken cancellationToken)
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
            if (depth == 0 || (depth > 0 && clock.Elapsed > timeout))
            {
                return new QueueDrain(clock.Elapsed, depth, deadLetters);
            }

            await Task.Delay(pollInterval, cancellationToken);
        }
    }
}

/// <summary>How long the queues took to empty, what was left when waiting gave up (0 when they emptied), and the dead letters then.</summary>
internal sealed record QueueDrain(TimeSpan Elapsed, long LeftQueued, long DeadLetters);
