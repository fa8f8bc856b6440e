using Grid.Hosting;
using System.Diagnostics;
using System.Net;
using Grid.Gateway.Security;

namespace Grid.Tests.Gateway.Security;

/// <summary>Traces follow a request from the gateway into the grains and through the event streams; /metrics shows the business meter.</summary>
[Trait("Category", "Gateway")]
[Collection(SecuredApiCollection.Name)]
public sealed class TelemetryTests(SecuredApiFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();
    private readonly HttpClient _anonymous = factory.CreateAnonymousClient();

    [Fact]
    public async Task One_trace_spans_the_gateway_request_and_the_grain_calls_it_makes()
    {
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 10);
        var traceId = ActivityTraceId.CreateRandom();

        using (var response = await SendTracedAsync(HttpMethod.Post, "/api/v1/reservations", traceId, GridHttp.Reservation(sku, 1)))
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        var spans = await SpansAsync(traceId, s => s.Count(IsGrainCall("IInventoryGrain")) >= 2);
        var server = Assert.Single(spans, s => s.Source.Name == "Microsoft.AspNetCore");
        Assert.Equal("/api/v1/reservations/", server.GetTagItem("http.route"));
        Assert.Equal(traceId, server.TraceId);
        Assert.Contains(spans, s => IsGrainCall("IInventoryGrain")(s) && s.Kind == ActivityKind.Client);
        Assert.Contains(spans, s => IsGrainCall("IInventoryGrain")(s) && s.Kind == ActivityKind.Server);
        Assert.All(spans.Where(IsGrainCall("IInventoryGrain")), s => Assert.True(IsDescendant(s, server, spans), $"{s.DisplayName} ({s.Kind}) is not under the gateway's request span."));
    }

    [Fact]
    public async Task A_warehouse_event_is_applied_in_the_trace_of_the_request_that_queued_it()
    {
        var sku = TestIds.New("SKU");
        var traceId = ActivityTraceId.CreateRandom();
        var receipt = GridHttp.Receipt(sku, 5);

        using (var response = await SendTracedAsync(HttpMethod.Post, "/api/v1/warehouse/events", traceId, new { events = new[] { receipt } }))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        // The event reaches its SKU-location through its stream partition's delivery, not from the request: the
        // delivery still belongs to the request's trace, and so do the calls made while applying it (the partition's
        // consumer calls the SKU-location, which tells its SKU grain of the new location).
        var spans = await SpansAsync(traceId, s => s.Any(d => d.DisplayName == "stream deliver") && s.Any(IsGrainCall("ISkuGrain")));
        var server = Assert.Single(spans, s => s.Source.Name == "Microsoft.AspNetCore");
        var delivery = spans.First(s => s.DisplayName == "stream deliver" && s.Kind == ActivityKind.Consumer);
        Assert.Contains(GridStreams.InventoryPartition($"{sku}@{GridHttp.Dc1}", new GridStreamOptions().QueueCount), (string?)delivery.GetTagItem("grid.grain"), StringComparison.Ordinal);
        Assert.True(IsDescendant(delivery, server, spans), "The delivery is not under the request that queued the event.");
        Assert.True(IsDescendant(spans.First(IsGrainCall("IInventoryGrain")), delivery, spans), "The SKU-location call is not under the delivery.");
        Assert.True(IsDescendant(spans.First(IsGrainCall("ISkuGrain")), delivery, spans), "The SKU grain call is not under the delivery.");
    }

    [Fact]
    public async Task The_metrics_endpoint_shows_the_business_meter_after_traffic()
    {
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 3);
        Assert.Equal(3, await _client.AvailableAsync(sku));
        await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 2));
        using (var refused = await _client.ReserveAsync(GridHttp.Reservation(sku, 5)))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        }

        using (var forbidden = await Send(DevKeys.For(GridRoles.Wms), $"/api/v1/atp/{sku}"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        }

        string[] expected =
        [
            "grid_atp_queries_total{",
            "grid_reservations_granted_total{",
            "grid_reservations_refused_total{",
            "grid_warehouse_events_applied_total{",
            "grid_warehouse_event_lag_seconds_bucket{",
            "grid_warehouse_event_to_atp_seconds_bucket{",
            "kind=\"warehouse\",outcome=\"accepted\"",
            "client=\"dev-wms\",reason=\"forbidden\"",
            "http_server_request_duration_seconds_bucket{",
            "otel_scope_name=\"Microsoft.Orleans\"",
        ];
        // The exporter caches a scrape for a moment: read until everything shows, for at most 15 s.
        var text = "";
        string[] missing;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            using var response = await _anonymous.GetAsync(new Uri("/metrics", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            text = await response.Content.ReadAsStringAsync();
            missing = [.. expected.Where(m => !text.Contains(m, StringComparison.Ordinal))];
            if (missing.Length == 0 || waited.Elapsed > TimeSpan.FromSeconds(15))
            {
                break;
            }

            await Task.Delay(200);
        }

        Assert.True(missing.Length == 0, $"Missing from /metrics: {string.Join(", ", missing)}");
        Assert.Matches(@"(?m)^grid_reservations_refused_total\{[^}]*\} [1-9]", text);
        Assert.Matches(@"(?m)^grid_warehouse_event_to_atp_seconds_bucket\{[^}]*le=""0.005""[^}]*\} \d", text);
    }

    private static Func<Activity, bool> IsGrainCall(string grainInterface)
        => s => s.Source.Name == "Microsoft.Orleans.Application" && s.DisplayName.Contains(grainInterface, StringComparison.Ordinal);

    private static bool IsDescendant(Activity span, Activity ancestor, IReadOnlyList<Activity> trace)
    {
        var byId = trace.ToDictionary(s => s.SpanId);
        for (var parent = span.ParentSpanId; parent != default; parent = byId.TryGetValue(parent, out var p) ? p.ParentSpanId : default)
        {
            if (parent == ancestor.SpanId)
            {
                return true;
            }
        }

        return false;
    }

    private async Task<IReadOnlyList<Activity>> SpansAsync(ActivityTraceId traceId, Func<IReadOnlyList<Activity>, bool> complete)
    {
        IReadOnlyList<Activity> spans = [];
        await Eventually.ThatAsync(() => Task.FromResult(complete(spans = factory.Spans.OfTrace(traceId))), $"the spans of trace {traceId}", TimeSpan.FromSeconds(15));
        return spans;
    }

    private async Task<HttpResponseMessage> SendTracedAsync(HttpMethod method, string path, ActivityTraceId traceId, object? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        if (body is not null)
        {
            request.Content = System.Net.Http.Json.JsonContent.Create(body);
        }

        return await _client.SendAsync(request);
    }

    private async Task<HttpResponseMessage> Send(string key, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Add(GridAuthOptions.HeaderName, key);
        return await _anonymous.SendAsync(request);
    }
}
