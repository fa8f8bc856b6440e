using System.Diagnostics;
using System.Text.Json;

namespace Grid.LoadTests.Http;

/// <summary>How long a side's outbox took to empty, and what was left when waiting gave up.</summary>
internal sealed record OutboxDrain(TimeSpan Elapsed, long LeftQueued);

/// <summary>
/// A side's outbox as <c>GET /api/v1/ops/outbox</c> shows it (Grid's ops API; the baseline answers the same shape):
/// the events waiting for every target, summed.
/// </summary>
internal static class OutboundProbe
{
    private static readonly Uri OutboxPath = new("api/v1/ops/outbox", UriKind.Relative);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(120);

    /// <summary>Waits until nothing waits in the outbox (or <see cref="DrainTimeout"/> passes).</summary>
    public static async Task<OutboxDrain> WaitUntilDrainedAsync(HttpClient client, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var depth = -1L;
        while (clock.Elapsed < DrainTimeout)
        {
            depth = await DepthAsync(client, cancellationToken);
            if (depth == 0)
            {
                return new OutboxDrain(clock.Elapsed, 0);
            }

            await Task.Delay(PollInterval, cancellationToken);
        }

        return new OutboxDrain(clock.Elapsed, Math.Max(0, depth));
    }

    /// <summary>Pauses or resumes delivery to <paramref name="target"/> (<c>POST /api/v1/ops/outbox/{target}/pause|resume</c>).</summary>
    public static async Task SetPausedAsync(HttpClient client, string target, bool paused, CancellationToken cancellationToken)
    {
        var path = new Uri($"api/v1/ops/outbox/{Uri.EscapeDataString(target)}/{(paused ? "pause" : "resume")}", UriKind.Relative);
        using var response = await client.PostAsync(path, content: null, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new Cli.RunFailedException($"POST {path} answered {(int)response.StatusCode}: delivery could not be {(paused ? "paused" : "resumed")}.");
        }
    }

    /// <summary>Events waiting over every target; −1 when the side did not answer.</summary>
    public static async Task<long> DepthAsync(HttpClient client, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.GetAsync(OutboxPath, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return -1;
            }

            using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            return json.RootElement.GetProperty("targets").EnumerateArray().Sum(t => t.GetProperty("depth").GetInt64());
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or KeyNotFoundException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return -1;
        }
    }
}
