using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Security.Cryptography;
using System.Text;
using Grid.Domain.Outbound;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Grid.Outbound;

/// <summary>
/// One HTTP attempt to deliver one event (API.md "Outbound"): a CloudEvents 1.0 structured JSON body with a string,
/// zero-padded <c>sequence</c> and <c>partitionkey</c> = subject, signed the Standard Webhooks way, with
/// <c>Idempotency-Key</c>. Retrying is the publisher's business (durably, across restarts), so this never retries.
/// </summary>
public sealed class WebhookSender
{
    /// <summary>Named HTTP clients are <c>grid-outbound-&lt;target&gt;</c>.</summary>
    public const string HttpClientPrefix = "grid-outbound-";

    public const string ContentType = "application/cloudevents+json";

    public const string BatchContentType = "application/cloudevents-batch+json";

    /// <summary>Grid's own spans (the same source name as the gateway's and silo's).</summary>
    private static readonly ActivitySource Tracing = new("Grid");

    private readonly IHttpClientFactory _clients;
    private readonly OutboundRouter _router;
    private readonly string _source;

    public WebhookSender(IHttpClientFactory clients, IOptions<OutboundOptions> options, IOptions<ClusterOptions> cluster, OutboundRouter router)
    {
        _clients = clients;
        _router = router;
        _source = options.Value.SourceFor(cluster.Value.ClusterId);
    }

    /// <summary>The structured-mode CloudEvent for one queued event, as the bytes that are signed and sent.</summary>
    public static byte[] Envelope(QueuedEvent queued, string source)
    {
        var body = new ArrayBufferWriter<byte>(512 + queued.Event.Data.Length);
        using (var writer = new Utf8JsonWriter(body))
        {
            WriteEnvelope(writer, queued, source);
        }

        return body.WrittenSpan.ToArray();
    }

    public Task<AttemptResult> SendAsync(string target, QueuedEvent queued, DateTimeOffset now, CancellationToken cancellationToken = default)
        => SendAsync(target, [queued], queued.Event.Id, Envelope(queued, _source), ContentType, now, cancellationToken);

    /// <summary>
    /// Several events (one per subject) as one JSON array. Its <c>webhook-id</c> and <c>Idempotency-Key</c> name the batch
    /// (a hash of its event ids, so the same batch retried keeps them); receivers dedupe each event by its own <c>id</c>.
    /// </summary>
    public Task<AttemptResult> SendBatchAsync(string target, IReadOnlyList<QueuedEvent> batch, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var body = new ArrayBufferWriter<byte>(batch.Sum(q => 512 + q.Event.Data.Length));
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartArray();
            foreach (var queued in batch)
            {
                WriteEnvelope(writer, queued, _source);
            }

            writer.WriteEndArray();
        }

        return SendAsync(target, batch, BatchId(batch), body.WrittenSpan.ToArray(), BatchContentType, now, cancellationToken);
    }

    /// <summary>
    /// A CloudEvents 1.0 JSON envelope written straight from the event: its <c>data</c> is already JSON and goes in as
    /// it is, with the <c>sequence</c> and <c>partitionkey</c> extensions and the spec's RFC 3339 <c>time</c>.
    /// </summary>
    private static void WriteEnvelope(Utf8JsonWriter writer, QueuedEvent queued, string source)
    {
        var e = queued.Event;
        writer.WriteStartObject();
        writer.WriteString("specversion", "1.0");
        writer.WriteString("id", e.Id);
        writer.WriteString("source", source);
        writer.WriteString("type", e.Type);
        writer.WriteString("subject", e.Subject);
        WriteTime(writer, e.Time);
        writer.WriteString("datacontenttype", "application/json");
        writer.WriteString("sequence", queued.SequenceText);
        writer.WriteString("partitionkey", e.Subject);
        writer.WritePropertyName("data");
        writer.WriteRawValue(e.Data, skipInputValidation: true);
        writer.WriteEndObject();
    }

    /// <summary>RFC 3339 in UTC, with as many fractional digits as the time needs (none, 3, 6 or 7).</summary>
    private static void WriteTime(Utf8JsonWriter writer, DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        var fraction = utc.Ticks % TimeSpan.TicksPerSecond;
        var format = fraction == 0 ? "yyyy-MM-dd'T'HH:mm:ss'Z'"
            : fraction % TimeSpan.TicksPerMillisecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss.fff'Z'"
            : fraction % 10 == 0 ? "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'"
            : "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";
        Span<char> text = stackalloc char[32];
        utc.TryFormat(text, out var written, format, CultureInfo.InvariantCulture);
        writer.WriteString("time", text[..written]);
    }

    private static string BatchId(IReadOnlyList<QueuedEvent> batch)
    {
        var ids = new StringBuilder();
        foreach (var queued in batch)
        {
            ids.Append(ids.Length > 0 ? "," : "").Append(queued.Event.Id);
        }

        return "batch_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ids.ToString())))[..32];
    }

    private async Task<AttemptResult> SendAsync(
        string target, IReadOnlyList<QueuedEvent> events, string id, byte[] body, string contentType, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_router.Route(target) is not { } route)
        {
            return new AttemptResult(null, null, $"target '{target}' is not configured", TimeSpan.Zero);
        }

        using var delivery = StartDelivery(target, id, events);
        var result = await SendAsync(route, id, body, contentType, now, cancellationToken);
        if (delivery is not null)
        {
            delivery.SetTag("http.response.status_code", result.Status);
            if (result.Status is not (>= 200 and < 300))
            {
                delivery.SetStatus(ActivityStatusCode.Error, result.Error);
            }
        }

        return result;
    }

    /// <summary>
    /// The span of one delivery attempt, in the trace of the change that caused its (first) event; the other events of
    /// a batch are linked. Its HTTP request is a child, and carries the trace to the receiver in <c>traceparent</c>.
    /// </summary>
    private static Activity? StartDelivery(string target, string id, IReadOnlyList<QueuedEvent> events)
    {
        if (!Tracing.HasListeners())
        {
            return null;
        }

        ActivityContext parent = default;
        List<ActivityLink>? links = null;
        foreach (var queued in events)
        {
            if (queued.Event.TraceParent is { } traceParent && ActivityContext.TryParse(traceParent, null, isRemote: true, out var context))
            {
                if (parent == default)
                {
                    parent = context;
                }
                else if (context.TraceId != parent.TraceId)
                {
                    (links ??= []).Add(new ActivityLink(context));
                }
            }
        }

        // Whatever the publisher's timer happens to run under is not the cause of this delivery.
        Activity.Current = null;
        var activity = Tracing.StartActivity("outbound deliver", ActivityKind.Producer, parent, links: links);
        if (activity is not null)
        {
            activity.SetTag("messaging.system", "webhook");
            activity.SetTag("messaging.destination.name", target);
            activity.SetTag("messaging.message.id", id);
            activity.SetTag("messaging.batch.message_count", events.Count);
            activity.SetTag("grid.outbound.event_type", events[0].Event.Type);
            activity.SetTag("grid.outbound.subject", events[0].Event.Subject);
            activity.SetTag("grid.outbound.attempt", events.Max(e => e.Attempts) + 1);
        }

        return activity;
    }

    private async Task<AttemptResult> SendAsync(
        TargetRoute route, string id, byte[] body, string contentType, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var options = route.Options;
        var timestamp = now.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, options.Url);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType) { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation("webhook-id", id);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("webhook-signature", Signatures(route, id, timestamp, body, now));
        request.Headers.TryAddWithoutValidation("Idempotency-Key", $"\"{id}\"");

        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        try
        {
            using var response = await _clients.CreateClient(route.ClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return new AttemptResult((int)response.StatusCode, RetryAfter(response, now), ReasonOf(response), Stopwatch.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new AttemptResult(null, null, $"timed out after {options.Timeout.TotalSeconds:0.###} s", Stopwatch.GetElapsedTime(started));
        }
        catch (HttpRequestException ex)
        {
            return new AttemptResult(null, null, ex.Message, Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>One signature per key that signs now: during a secret's rotation both, space separated (Standard Webhooks).</summary>
    private static string Signatures(TargetRoute route, string id, long timestamp, byte[] body, DateTimeOffset now)
        => string.Join(' ', route.KeysAt(now).Select(key => WebhookSignature.Sign(key, id, timestamp, body)));

    private static string? ReasonOf(HttpResponseMessage response)
        => response.IsSuccessStatusCode ? null : response.ReasonPhrase;

    private static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
        => response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
            _ => null,
        };
}
