using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace Grid.LoadTests.Http;

/// <summary>
/// Channels following <c>GET /api/v1/availability/stream</c> (Server-Sent Events), each on a connection of its own.
/// Every subscriber counts the changes it is sent; each change a <see cref="FeedWrites"/> writer made is timed from
/// its request's start to its arrival at every subscriber (sampled: the first <see cref="TimedSubscribers"/> only, so
/// that parsing does not become the measurement).
/// </summary>
internal sealed class FeedSubscribers : IAsyncDisposable
{
    public const int TimedSubscribers = 20;

    private readonly List<HttpClient> _clients = [];
    private readonly List<Task> _readers = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<double> _latencies = [];
    private readonly long[] _received;
    private readonly FeedWrites _writes;

    private FeedSubscribers(int count, FeedWrites writes)
    {
        _received = new long[count];
        _writes = writes;
    }

    public int Count => _received.Length;

    /// <summary>How many subscribers have been sent at least <paramref name="changes"/> changes.</summary>
    public int HaveAtLeast(long changes) => _received.Count(r => r >= changes);

    public long Received => _received.Sum();

    public IReadOnlyCollection<double> LatenciesMs => _latencies;

    /// <summary>Opens <paramref name="count"/> streams at <paramref name="target"/> for the SKU-locations at <paramref name="location"/>; answers once each has its headers.</summary>
    public static async Task<FeedSubscribers> OpenAsync(Uri target, string apiKey, string location, int count, FeedWrites writes, CancellationToken cancellationToken)
    {
        var subscribers = new FeedSubscribers(count, writes);
        var opened = new List<Task>();
        for (var i = 0; i < count; i++)
        {
            var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = target, Timeout = Timeout.InfiniteTimeSpan };
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
            subscribers._clients.Add(client);
            var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var index = i;
            subscribers._readers.Add(Task.Run(() => subscribers.ReadAsync(client, location, index, ready), CancellationToken.None));
            opened.Add(ready.Task);
        }

        await Task.WhenAll(opened).WaitAsync(TimeSpan.FromSeconds(120), cancellationToken);
        return subscribers;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_readers).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        _stop.Dispose();
    }

    private async Task ReadAsync(HttpClient client, string location, int index, TaskCompletionSource ready)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"api/v1/availability/stream?locations={Uri.EscapeDataString(location)}", UriKind.Relative));
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _stop.Token);
            response.EnsureSuccessStatusCode();
            ready.TrySetResult();
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(_stop.Token));
            var timed = index < TimedSubscribers;
            var availability = false;
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    availability = line == "event: availability";
                }
                else if (availability && line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref _received[index]);
                    if (timed)
                    {
                        Time(line.AsSpan(6));
                    }
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException)
        {
            ready.TrySetException(ex);
        }
    }

    private void Time(ReadOnlySpan<char> json)
    {
        var arrived = Stopwatch.GetTimestamp();
        using var document = JsonDocument.Parse(json.ToString());
        var root = document.RootElement;
        if (_writes.SentAt(root.GetProperty("sku").GetString()!, root.GetProperty("reserved").GetInt64()) is { } sent)
        {
            _latencies.Add(Stopwatch.GetElapsedTime(sent, arrived).TotalMilliseconds);
        }
    }
}
