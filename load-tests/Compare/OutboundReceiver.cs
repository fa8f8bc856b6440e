using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Grid.Domain.Outbound;
using Grid.LoadTests.Reporting;
using HdrHistogram;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Grid.LoadTests.Compare;

/// <summary>
/// The ERP of a comparison: a webhook receiver on loopback, in the load tool's own process, that both sides deliver
/// their outbound events to. It does what a careful receiver does and no more: checks each request's Standard Webhooks
/// signature (a bad one is refused with 401 and counted), reads the CloudEvent or batch, and answers 200 at once. For
/// every event it books the delivery lag (arrival − the event's <c>time</c>, when the change happened), and counts
/// repeats (an event id seen before) and events that arrived behind a later <c>sequence</c> of their subject.
/// </summary>
internal sealed class OutboundReceiver : IAsyncDisposable
{
    /// <summary>The target name Grid is given for the receiver.</summary>
    public const string TargetName = "loadtest-erp";

    /// <summary>The signing secret both sides share with the receiver (made per run).</summary>
    public static string Secret { get; } = "whsec_" + Convert.ToBase64String(Guid.NewGuid().ToByteArray().Concat(Guid.NewGuid().ToByteArray()).ToArray());

    private static readonly byte[] Key = WebhookSignature.Key(Secret);

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, byte> _seen = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _lastSequence = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly LongHistogram _lag = new(1, 3_600_000_000, 3);
    private long _events;
    private long _requests;
    private long _badSignatures;
    private long _repeats;
    private long _outOfOrder;

    private OutboundReceiver(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>Events received so far (repeats included).</summary>
    public long Events => Interlocked.Read(ref _events);

    public static async Task<OutboundReceiver> StartAsync(CancellationToken cancellationToken)
    {
        var port = Servers.FreePort();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OutboundReceiver(app, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/events"));
        app.MapPost("/events", receiver.ReceiveAsync);
        await app.StartAsync(cancellationToken);
        return receiver;
    }

    /// <summary>Starts a new window of figures: what arrives from now on counts toward the next <see cref="Figures"/>.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _lag.Reset();
            Interlocked.Exchange(ref _events, 0);
            Interlocked.Exchange(ref _requests, 0);
            Interlocked.Exchange(ref _badSignatures, 0);
            Interlocked.Exchange(ref _repeats, 0);
            Interlocked.Exchange(ref _outOfOrder, 0);
        }
    }

    /// <summary>What arrived since <see cref="Reset"/>, over <paramref name="elapsed"/> (sending plus draining).</summary>
    public OutboundFigures Figures(TimeSpan elapsed, double drainSeconds, long leftQueued)
    {
        lock (_gate)
        {
            double? At(double percentile) => _lag.TotalCount == 0 ? null : Math.Round(_lag.GetValueAtPercentile(percentile) / 1000.0, 1);
            var events = Interlocked.Read(ref _events);
            return new OutboundFigures(
                Events: events,
                Requests: Interlocked.Read(ref _requests),
                DeliveredPerSecond: elapsed > TimeSpan.Zero ? Math.Round(events / elapsed.TotalSeconds, 1) : 0,
                DrainSeconds: Math.Round(drainSeconds, 2),
                LeftQueued: leftQueued,
                LagP50Ms: At(50),
                LagP99Ms: At(99),
                LagMaxMs: _lag.TotalCount == 0 ? null : Math.Round(_lag.GetMaxValue() / 1000.0, 1),
                BadSignatures: Interlocked.Read(ref _badSignatures),
                Repeats: Interlocked.Read(ref _repeats),
                OutOfOrder: Interlocked.Read(ref _outOfOrder));
        }
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        var arrived = DateTimeOffset.UtcNow;
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        var body = buffer.ToArray();
        var id = request.Headers["webhook-id"].ToString();
        var signature = request.Headers["webhook-signature"].ToString();
        if (!long.TryParse(request.Headers["webhook-timestamp"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var timestamp)
            || id.Length == 0 || !WebhookSignature.Verify(Key, id, timestamp, body, signature))
        {
            Interlocked.Increment(ref _badSignatures);
            return Results.Unauthorized();
        }

        Interlocked.Increment(ref _requests);
        using var json = JsonDocument.Parse(body);
        if (json.RootElement.ValueKind == JsonValueKind.Array)
        {
            foreach (var e in json.RootElement.EnumerateArray())
            {
                Book(e, arrived);
            }
        }
        else
        {
            Book(json.RootElement, arrived);
        }

        return Results.Ok();
    }

    private void Book(JsonElement cloudEvent, DateTimeOffset arrived)
    {
        Interlocked.Increment(ref _events);
        var id = cloudEvent.GetProperty("id").GetString() ?? "";
        if (!_seen.TryAdd(id, 0))
        {
            Interlocked.Increment(ref _repeats);
        }

        if (cloudEvent.TryGetProperty("subject", out var subject) && cloudEvent.TryGetProperty("sequence", out var sequence)
            && subject.GetString() is { } s && sequence.GetString() is { } q)
        {
            var previous = _lastSequence.AddOrUpdate(s, q, (_, old) => string.CompareOrdinal(q, old) > 0 ? q : old);
            if (!ReferenceEquals(previous, q) && string.CompareOrdinal(q, previous) < 0)
            {
                Interlocked.Increment(ref _outOfOrder);
            }
        }

        if (cloudEvent.TryGetProperty("time", out var time) && time.TryGetDateTimeOffset(out var occurred))
        {
            var micros = Math.Max(0, (long)((arrived - occurred).TotalMilliseconds * 1000));
            lock (_gate)
            {
                _lag.RecordValue(Math.Min(micros, _lag.HighestTrackableValue));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
