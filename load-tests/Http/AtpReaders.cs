using System.Diagnostics;

namespace Grid.LoadTests.Http;

/// <summary>
/// Closed-loop ATP readers (<c>GET /api/v1/atp/{sku}</c>, SKUs uniform over a list) running until stopped, each read's
/// latency kept, for a figure of what live readers see while something else runs.
/// </summary>
internal sealed class AtpReaders(HttpClient client, IReadOnlyList<string> skus, int readers)
{
    public async Task<(double[] LatenciesMs, long Failed)> RunAsync(CancellationToken stop)
    {
        var failed = 0L;
        var runs = Enumerable.Range(0, readers).Select(_ => Task.Run(async () =>
        {
            var latencies = new List<double>();
            while (!stop.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await client.GetAsync(new Uri("api/v1/atp/" + skus[Random.Shared.Next(skus.Count)], UriKind.Relative), stop);
                    if (response.IsSuccessStatusCode)
                    {
                        latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failed);
                }
            }

            return latencies;
        }, CancellationToken.None)).ToList();
        var all = await Task.WhenAll(runs);
        return ([.. all.SelectMany(l => l).Order()], failed);
    }
}
