using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Grid.LoadTests.Http;
using Grid.LoadTests.Scenarios;

namespace Grid.LoadTests.Elasticity;

/// <summary>
/// Open-loop client load that keeps going while the cluster changes: reservations of one unit (each with an id of its
/// own) at a fixed rate, and every <see cref="ReceiptEvery"/>th tick a warehouse receipt of one unit. Each operation is
/// sent until it is acknowledged, as a well-behaved client does: a 503 or 429 is retried after its <c>Retry-After</c>,
/// a timeout or a dropped connection at once with the same id (both are idempotent by id). Every attempt is recorded,
/// on the clock <see cref="Clock"/>, so that what clients saw around each cluster change can be told.
/// </summary>
internal sealed class SteadyLoad(HttpClient client, LoadPlan plan)
{
    /// <summary>An operation that is still not acknowledged after this long is given up (and reported as lost to the client).</summary>
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(120);

    private const int ReceiptEvery = 4;
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(1);

    private readonly ConcurrentQueue<Attempt> _attempts = new();
    private readonly ConcurrentDictionary<string, int> _reserved = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _received = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _abandoned = new();
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();

    public Stopwatch Clock { get; } = new();

    public IReadOnlyCollection<Attempt> Attempts => _attempts;

    /// <summary>Acknowledged reservations per SKU (each of one unit).</summary>
    public IReadOnlyDictionary<string, int> Reserved => _reserved;

    /// <summary>Acknowledged receipts per SKU (each of one unit).</summary>
    public IReadOnlyDictionary<string, int> Received => _received;

    /// <summary>Operations given up on (a refusal that is not transient, or <see cref="GiveUpAfter"/> passed): what and why.</summary>
    public IReadOnlyCollection<string> Abandoned => _abandoned;

    /// <summary>Issues operations at the plan's rate until <paramref name="stop"/> is cancelled, then waits for those in flight.</summary>
    public async Task RunAsync(CancellationToken stop, CancellationToken abort)
    {
        Clock.Start();
        var interval = TimeSpan.FromSeconds(1 / plan.Rate);
        var next = TimeSpan.Zero;
        for (long tick = 0; !stop.IsCancellationRequested; tick++)
        {
            var wait = next - Clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, stop);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }
            }

            next += interval;
            Track(SendUntilAcknowledgedAsync(NewOperation(tick), abort));
        }

        await Task.WhenAll(_inFlight.Keys);
    }

    private void Track(Task operation)
    {
        _inFlight.TryAdd(operation, 0);
        _ = operation.ContinueWith(t => _inFlight.TryRemove(t, out _), TaskScheduler.Default);
    }

    private Operation NewOperation(long tick)
    {
        var id = $"{plan.RunPrefix}-{tick}";
        if (tick % ReceiptEvery == ReceiptEvery - 1)
        {
            var sku = plan.ReceiptSkus[Random.Shared.Next(plan.ReceiptSkus.Count)];
            var receipt = new ReceiptEvent(id, StockSeeder.Source, DateTimeOffset.UtcNow, "receipt", sku, plan.Location, 1);
            return new Operation(OperationKind.Receipt, id, sku, () => WarehouseIngestScenario.BatchRequest([receipt]));
        }

        var reserved = plan.ReservationSkus[Random.Shared.Next(plan.ReservationSkus.Count)];
        return new Operation(OperationKind.Reservation, id, reserved, () => ReservationScenario.Request(id, reserved, plan.Location));
    }

    private async Task SendUntilAcknowledgedAsync(Operation operation, CancellationToken abort)
    {
        var firstSent = Clock.Elapsed;
        while (!abort.IsCancellationRequested)
        {
            var started = Clock.Elapsed;
            var (outcome, retryAfter) = await SendOnceAsync(operation, abort);
            _attempts.Enqueue(new Attempt(operation.Kind, started, Clock.Elapsed, outcome));
            if (outcome.Acknowledged)
            {
                var counts = operation.Kind == OperationKind.Reservation ? _reserved : _received;
                counts.AddOrUpdate(operation.Sku, 1, (_, n) => n + 1);
                return;
            }

            if (!outcome.Transient || Clock.Elapsed - firstSent > GiveUpAfter)
            {
                _abandoned.Enqueue($"{operation.Kind} {operation.Id} on {operation.Sku}: {outcome.Describe()}");
                return;
            }

            if (retryAfter > TimeSpan.Zero)
            {
                await Task.Delay(retryAfter, abort);
            }
        }
    }

    private async Task<(Outcome Outcome, TimeSpan RetryAfter)> SendOnceAsync(Operation operation, CancellationToken abort)
    {
        try
        {
            using var request = operation.Request();
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, abort);
            var status = (int)response.StatusCode;
            if (response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests)
            {
                var retryAfter = response.Headers.RetryAfter?.Delta;
                var wait = retryAfter is { } delta ? (delta < MaxRetryAfter ? delta : MaxRetryAfter) : DefaultRetryAfter;
                return (new Outcome(status, retryAfter is not null, null) { Title = await TitleAsync(response, abort) }, wait);
            }

            if (status is >= 200 and <= 299 && operation.Kind == OperationKind.Receipt)
            {
                var result = JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(abort), PayloadJson.Default.EventBatchResult);
                return result is { Accepted: 1 }
                    ? (new Outcome(status, false, null), TimeSpan.Zero)
                    : (new Outcome(status, false, "the receipt was not accepted"), TimeSpan.Zero);
            }

            return (new Outcome(status, response.Headers.RetryAfter is not null, null) { Title = status >= 400 ? await TitleAsync(response, abort) : null }, TimeSpan.Zero);
        }
        catch (OperationCanceledException) when (!abort.IsCancellationRequested)
        {
            return (new Outcome(0, false, Outcome.TimedOut), TimeSpan.Zero);
        }
        catch (HttpRequestException ex)
        {
            return (new Outcome(0, false, $"no answer ({ex.HttpRequestError})"), TimeSpan.Zero);
        }
    }

    /// <summary>The <c>title</c> of a Problem Details answer, to tell refusals apart in the report.</summary>
    private static async Task<string?> TitleAsync(HttpResponseMessage response, CancellationToken abort)
    {
        try
        {
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(abort));
            return body.RootElement.TryGetProperty("title", out var title) ? title.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Operation(OperationKind Kind, string Id, string Sku, Func<HttpRequestMessage> Request);
}

/// <summary>What the load is made of: the run's id prefix, the SKUs reserved from and received at, one location, the rate.</summary>
internal sealed record LoadPlan(string RunPrefix, IReadOnlyList<string> ReservationSkus, IReadOnlyList<string> ReceiptSkus, string Location, double Rate);

internal enum OperationKind
{
    Reservation,
    Receipt,
}

/// <summary>One request as sent, on the load's clock.</summary>
internal sealed record Attempt(OperationKind Kind, TimeSpan Started, TimeSpan Ended, Outcome Outcome)
{
    public TimeSpan Duration => Ended - Started;
}

/// <summary>
/// How one request ended: an HTTP status (0 when there was no answer), whether it carried <c>Retry-After</c>, and
/// why it failed when the status does not say.
/// </summary>
internal sealed record Outcome(int Status, bool RetryAfter, string? Problem)
{
    /// <summary>The Problem Details title of a refusal, when it had one.</summary>
    public string? Title { get; init; }

    public const string TimedOut = "timed out";

    public bool Acknowledged => Status is >= 200 and <= 299 && Problem is null;

    /// <summary>Worth sending again with the same id: a 503 or 429, a timeout, no answer.</summary>
    public bool Transient => Status is 503 or 429 || (Status == 0 && Problem is not null);

    public bool IsTimeout => Problem == TimedOut;

    /// <summary>The failure a client may see while the cluster changes, and must be able to retry: 503 with <c>Retry-After</c>.</summary>
    public bool IsRetryableRefusal => Status == 503 && RetryAfter;

    public string Describe() => Problem is null
        ? (Title is null ? $"HTTP {Status}" : $"HTTP {Status} ({Title})")
        : Status == 0 ? Problem : $"HTTP {Status}: {Problem}";
}
