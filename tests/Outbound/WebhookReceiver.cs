using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Grid.Domain.Outbound;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Grid.Tests.Outbound;

/// <summary>What a receiver got in one request: the CloudEvent, its headers, and whether its signature verified.</summary>
public sealed record ReceivedRequest(
    string Target,
    string Id,
    string Type,
    string Subject,
    string Sequence,
    JsonElement Data,
    string Body,
    string? ContentType,
    string? IdempotencyKey,
    long Timestamp,
    bool SignatureValid,
    int Attempt,
    string? TraceParent = null,
    string? WebhookId = null,
    string? Signature = null,
    byte[]? RequestBody = null)
{
    /// <summary>Whether the request's <c>webhook-signature</c> holds a signature made with <paramref name="secret"/>.</summary>
    public bool SignedWith(string secret)
        => WebhookSignature.Verify(WebhookSignature.Key(secret), WebhookId!, Timestamp, RequestBody, Signature!);
}

/// <summary>How the receiver answers one request: a status, a Retry-After, or a hang longer than the sender's timeout.</summary>
public sealed record Reply(int Status, TimeSpan? RetryAfter = null, TimeSpan? Hang = null)
{
    public static Reply Ok { get; } = new(200);
}

/// <summary>
/// A real HTTP receiver on a free loopback port (Kestrel inside the test) that misbehaves on purpose through
/// <see cref="Behaviour"/>. It verifies each request's Standard Webhooks signature and dedupes by <c>webhook-id</c>, as a
/// careful integration would; <see cref="Accepted"/> holds what it acknowledged, once per id, in arrival order.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public static readonly string Secret = "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("grid-test-secret-0123456789abcdef"));

    public const string PlainSecret = "plain text secret";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _seen = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private readonly List<ReceivedRequest> _accepted = [];
    private readonly List<ReceivedRequest> _all = [];

    private WebhookReceiver(WebApplication app)
    {
        _app = app;
    }

    public string BaseUrl { get; private set; } = "";

    /// <summary>The secrets a target's requests verify with, any one of them (a subscription's); else the fixtures' own.</summary>
    public ConcurrentDictionary<string, string[]> Secrets { get; } = new(StringComparer.Ordinal);

    /// <summary>Decides each answer; 200 unless it says otherwise.</summary>
    public Func<ReceivedRequest, Reply> Behaviour { get; set; } = _ => Reply.Ok;

    public IReadOnlyList<ReceivedRequest> Accepted
    {
        get
        {
            lock (_gate)
            {
                return [.. _accepted];
            }
        }
    }

    public IReadOnlyList<ReceivedRequest> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _all];
            }
        }
    }

    public string Url(string target) => $"{BaseUrl}/hooks/{target}";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hooks/{target}", receiver.HandleAsync);
        await app.StartAsync();
        receiver.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return receiver;
    }

    public IReadOnlyList<ReceivedRequest> AcceptedFor(string subject) => [.. Accepted.Where(r => r.Subject == subject)];

    /// <summary>What was accepted for the subjects starting with <paramref name="prefix"/> (a location's reconciliation shards).</summary>
    public IReadOnlyList<ReceivedRequest> AcceptedUnder(string prefix) => [.. Accepted.Where(r => r.Subject.StartsWith(prefix, StringComparison.Ordinal))];

    private async Task<IResult> HandleAsync(string target, HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var bytes = buffer.ToArray();
        var body = Encoding.UTF8.GetString(bytes);
        var json = JsonDocument.Parse(body).RootElement.Clone();
        var id = request.Headers["webhook-id"].ToString();
        var timestamp = long.Parse(request.Headers["webhook-timestamp"].ToString(), CultureInfo.InvariantCulture);
        var signature = request.Headers["webhook-signature"].ToString();
        var secrets = Secrets.TryGetValue(target, out var held) ? held : [target == "crm" ? PlainSecret : Secret];
        var signed = secrets.Any(secret => WebhookSignature.Verify(WebhookSignature.Key(secret), id, timestamp, bytes, signature));

        // One event, or a batch (a JSON array): each event is received, and deduplicated, by its own id.
        var events = json.ValueKind == JsonValueKind.Array ? [.. json.EnumerateArray()] : new[] { json };
        var receivedAll = events.Select(e => new ReceivedRequest(
            target, e.GetProperty("id").GetString()!, e.GetProperty("type").GetString()!, e.GetProperty("subject").GetString()!, e.GetProperty("sequence").GetString()!,
            e.GetProperty("data"), json.ValueKind == JsonValueKind.Array ? e.GetRawText() : body, request.ContentType, request.Headers["Idempotency-Key"].ToString(), timestamp,
            signed && (json.ValueKind == JsonValueKind.Array || e.GetProperty("id").GetString() == id),
            _attempts.AddOrUpdate($"{target}/{e.GetProperty("id").GetString()}", 1, (_, n) => n + 1),
            request.Headers.TryGetValue("traceparent", out var traceParent) ? traceParent.ToString() : null,
            id, signature, bytes)).ToList();
        lock (_gate)
        {
            _all.AddRange(receivedAll);
        }

        var received = receivedAll[0];
        var reply = received.SignatureValid ? Behaviour(received) : new Reply(401);
        if (reply.Hang is { } hang)
        {
            await Task.Delay(hang, request.HttpContext.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return Results.StatusCode(504);
        }

        foreach (var one in receivedAll)
        {
            if (reply.Status is >= 200 and < 300 && _seen.TryAdd($"{target}/{one.Id}", true))
            {
                lock (_gate)
                {
                    _accepted.Add(one);
                }
            }
        }

        if (reply.RetryAfter is { } after)
        {
            request.HttpContext.Response.Headers.RetryAfter = ((int)after.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }

        return Results.StatusCode(reply.Status);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
