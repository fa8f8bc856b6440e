using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace Grid.LoadTests.Elasticity;

/// <summary>
/// Reads the age of the oldest event waiting in Grid's event queues (<c>GET /api/v1/ops/streams</c>) twice a second
/// while the load runs, on the load's clock: how far behind applying receipts Grid fell while the cluster changed
/// (what the event endpoints' back-pressure answers 429 to).
/// </summary>
internal sealed class LagSampler(HttpClient client, Stopwatch clock)
{
    private static readonly Uri StreamsPath = new("api/v1/ops/streams", UriKind.Relative);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private readonly ConcurrentQueue<(TimeSpan At, double Seconds)> _samples = new();

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var view = await client.GetFromJsonAsync(StreamsPath, LagJson.Default.StreamsReading, stop);
                if (view?.OldestAgeSeconds is { } age)
                {
                    _samples.Enqueue((clock.Elapsed, age));
                }

                await Task.Delay(Interval, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or System.Text.Json.JsonException or OperationCanceledException)
            {
                // The cluster is changing: read again at the next interval.
            }
        }
    }

    /// <summary>The largest age read in [<paramref name="from"/>, <paramref name="to"/>), in seconds; null when none was read.</summary>
    public double? Max(TimeSpan from, TimeSpan to)
    {
        var window = _samples.Where(s => s.At >= from && s.At < to).Select(s => s.Seconds).ToList();
        return window.Count == 0 ? null : Math.Round(window.Max(), 2);
    }
}

internal sealed record StreamsReading(double? OldestAgeSeconds);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(StreamsReading))]
internal sealed partial class LagJson : JsonSerializerContext;
