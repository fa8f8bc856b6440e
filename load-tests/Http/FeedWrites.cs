using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Grid.LoadTests.Scenarios;

namespace Grid.LoadTests.Http;

/// <summary>
/// Changes for the feed to carry: reservations of one unit at a fixed rate (open loop), SKU after SKU, so that the
/// <c>n</c>-th reservation of a SKU-location is the change that leaves <c>reserved = n</c>. Remembers when each was sent.
/// </summary>
internal sealed class FeedWrites(HttpClient client, IReadOnlyList<string> skus, string location, string idPrefix)
{
    private readonly ConcurrentDictionary<(string Sku, long Reserved), long> _sentAt = new();
    private readonly ConcurrentBag<double> _writeMs = [];
    private long _failed;

    public long Made => _sentAt.Count;

    public long Failed => Interlocked.Read(ref _failed);

    public IReadOnlyCollection<double> WriteLatenciesMs => _writeMs;

    /// <summary>When the change leaving <paramref name="sku"/> with <paramref name="reserved"/> units reserved was sent.</summary>
    public long? SentAt(string sku, long reserved) => _sentAt.TryGetValue((sku, reserved), out var at) ? at : null;

    /// <summary>Writes at <paramref name="perSecond"/> for <paramref name="duration"/>; answers once every write was answered.</summary>
    public async Task RunAsync(double perSecond, TimeSpan duration, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var total = (long)(perSecond * duration.TotalSeconds);
        var inFlight = new List<Task>();
        for (long i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds(i / perSecond) - Stopwatch.GetElapsedTime(started);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, cancellationToken);
            }

            var sku = skus[(int)(i % skus.Count)];
            var reserved = (i / skus.Count) + 1;
            inFlight.Add(WriteAsync($"{idPrefix}-f{i}", sku, reserved, cancellationToken));
        }

        await Task.WhenAll(inFlight);
    }

    private async Task WriteAsync(string reservationId, string sku, long reserved, CancellationToken cancellationToken)
    {
        var sent = Stopwatch.GetTimestamp();
        _sentAt[(sku, reserved)] = sent;
        try
        {
            using var request = ReservationScenario.Request(reservationId, sku, location);
            using var response = await client.SendAsync(request, cancellationToken);
            if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.OK))
            {
                Interlocked.Increment(ref _failed);
                return;
            }

            _writeMs.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
        }
        catch (HttpRequestException)
        {
            Interlocked.Increment(ref _failed);
        }
    }
}
