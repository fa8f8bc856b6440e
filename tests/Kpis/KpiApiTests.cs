using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grid.Tests.Gateway;
using Grid.Tests.Gateway.Orders;

namespace Grid.Tests.Kpis;

/// <summary>
/// Each KPI of <c>GET /api/v1/ops/kpis</c>, checked exactly on a history built through the API while the test moves the
/// clock on (durations are kept to two significant figures, so the real time the steps take does not show).
/// </summary>
[Trait("Category", "Gateway")]
[Collection(KpiApiCollection.Name)]
public sealed class KpiApiTests(KpiApiFactory factory)
{
    private readonly OrderWorld _w = new(factory.CreateClient());

    // The hour this test's history starts at (StockedAsync).
    private DateTimeOffset _start;

    private HttpClient Client => _w.Client;

    [Fact]
    public async Task Order_fallout_is_the_orders_that_raised_an_exception_over_the_orders_accepted()
    {
        var dc1 = await StockedAsync(30);
        foreach (var id in new[] { "A", "B", "C" })
        {
            await _w.SubmitCreatedAsync(_w.Order(_w.Id(id)));
        }

        await _w.SendAsync(_w.ShortPick(_w.Id("A"), dc1, 3));

        var fallout = (await Client.KpisWhenAsync(k => k.GetProperty("orderFallout").GetProperty("needingAttention").GetInt64() == 1, "the short-picked order"))
            .GetProperty("orderFallout");
        Assert.Equal((3L, 1L, 1.0 / 3), (fallout.GetProperty("orders").GetInt64(), fallout.GetProperty("needingAttention").GetInt64(), fallout.Number("rate")));
    }

    [Fact]
    public async Task Fill_rate_is_the_lines_filled_complete_on_first_allocation_over_the_lines()
    {
        await StockedAsync(10);
        var missing = TestIds.New("SKU");
        await _w.SubmitCreatedAsync(_w.Order(_w.Id("A"), false, Line("L1", _w.Sku, 2), Line("L2", _w.Sku, 3)));
        await _w.SubmitCreatedAsync(_w.Order(_w.Id("B"), false, Line("L1", missing, 1)));

        var fill = (await Client.GetKpisAsync()).GetProperty("fillRate");

        Assert.Equal((3L, 2L, 2.0 / 3), (fill.GetProperty("lines").GetInt64(), fill.GetProperty("filledOnFirstAllocation").GetInt64(), fill.Number("rate")));
    }

    [Fact]
    public async Task Promise_accuracy_is_the_lines_shipped_by_their_promised_date_over_the_lines_shipped()
    {
        var dc1 = await StockedAsync(30);
        var start = _start;
        await _w.SubmitCreatedAsync(Requested(_w.Id("late"), start.AddHours(1)));
        await _w.SubmitCreatedAsync(Requested(_w.Id("kept"), start.AddHours(3)));
        await _w.SubmitCreatedAsync(Requested(_w.Id("none"), null));
        factory.Clock.Advance(TimeSpan.FromHours(2));

        await _w.SendAsync(_w.ShipConfirm(_w.Id("late"), _w.Id("S1"), dc1, 10), _w.ShipConfirm(_w.Id("kept"), _w.Id("S2"), dc1, 10), _w.ShipConfirm(_w.Id("none"), _w.Id("S3"), dc1, 10));

        var accuracy = (await Client.KpisWhenAsync(k => k.GetProperty("promiseAccuracy").GetProperty("linesShipped").GetInt64() == 3, "three lines shipped"))
            .GetProperty("promiseAccuracy");
        Assert.Equal((2L, 2.0 / 3), (accuracy.GetProperty("shippedByPromise").GetInt64(), accuracy.Number("rate")));
    }

    [Fact]
    public async Task A_backordered_line_is_held_to_the_date_first_promised_for_it()
    {
        var dc1 = await StockedAsync(0);
        await SupplierAsync(new { eventId = TestIds.New("POA"), source = "supplier-acme", occurredAt = DateTimeOffset.UtcNow, type = "poAcknowledged", poId = _w.Id("PO"),
            lines = new[] { new { sku = _w.Sku, location = dc1, quantity = 10, eta = _start.AddHours(1) } } });
        await Eventually.ThatAsync(async () => (await Client.GetInventoryAsync(_w.Sku, dc1)).GetProperty("inbound").GetArrayLength() == 1, "inbound supply recorded");
        await _w.SubmitCreatedAsync(_w.Order(_w.Id("A")));
        await Client.ReceiveAsync(_w.Sku, 10, dc1);
        await _w.StatusAsync(_w.Id("A"), "released");
        factory.Clock.Advance(TimeSpan.FromHours(2));

        await _w.SendAsync(_w.ShipConfirm(_w.Id("A"), _w.Id("S1"), dc1, 10));

        var accuracy = (await Client.KpisWhenAsync(k => k.GetProperty("promiseAccuracy").GetProperty("linesShipped").GetInt64() == 1, "the shipped line"))
            .GetProperty("promiseAccuracy");
        Assert.Equal((0L, 0.0), (accuracy.GetProperty("shippedByPromise").GetInt64(), accuracy.Number("rate")));
    }

    [Fact]
    public async Task Order_cycle_time_runs_from_acceptance_to_shipped_in_full()
    {
        var dc1 = await StockedAsync(10);
        await _w.SubmitCreatedAsync(_w.Order(_w.Id("A")));
        factory.Clock.Advance(TimeSpan.FromHours(1));

        await _w.SendAsync(_w.ShipConfirm(_w.Id("A"), _w.Id("S1"), dc1, 10));

        var cycle = (await Client.KpisWhenAsync(k => k.GetProperty("orderCycleTime").GetProperty("count").GetInt64() == 1, "the shipped order"))
            .GetProperty("orderCycleTime");
        Assert.Equal((3600.0, 3600.0), (cycle.Number("p50Seconds"), cycle.Number("p90Seconds")));
    }

    [Fact]
    public async Task Exception_resolution_time_runs_from_first_seen_to_resolved_per_kind()
    {
        var dc1 = await StockedAsync(10);
        await _w.SubmitCreatedAsync(_w.Order(_w.Id("A")));
        await _w.SendAsync(_w.ShortPick(_w.Id("A"), dc1, 3));
        var id = await ExceptionIdAsync(_w.Id("A"));
        factory.Clock.Advance(TimeSpan.FromMinutes(10));
        await ActAsync(id, "acknowledge", new { by = "alice" });
        factory.Clock.Advance(TimeSpan.FromMinutes(20));

        await ActAsync(id, "resolve", new { by = "alice", note = "found on the next shelf" });

        var kpis = await Client.KpisWhenAsync(k => ShortPicks(k) is not null, "the resolved short pick");
        var resolution = ShortPicks(kpis)!.Value;
        Assert.Equal((1L, 1800.0, 1800.0), (resolution.GetProperty("resolved").GetInt64(), resolution.Number("p50Seconds"), resolution.Number("p90Seconds")));

        static JsonElement? ShortPicks(JsonElement kpis)
            => kpis.GetProperty("exceptionResolution").EnumerateArray().Where(r => r.GetProperty("kind").GetString() == "shortPick").Select(r => (JsonElement?)r).SingleOrDefault();
    }

    [Fact]
    public async Task Sync_latency_runs_from_the_event_to_the_targets_acknowledgement()
    {
        await StockedAsync(10);
        await PauseErpAsync(true);
        await _w.SubmitCreatedAsync(_w.Order(_w.Id("A")));
        factory.Clock.Advance(TimeSpan.FromMinutes(5));

        await PauseErpAsync(false);

        var subject = $"order/{_w.Id("A")}";
        await Eventually.ThatAsync(() => Task.FromResult(factory.Receiver.AcceptedFor(subject).Any(r => r.Type == "grid.order.released.v1")), "the order's events at the ERP");
        var delivered = factory.Receiver.AcceptedFor(subject).Count(r => r.Target == "erp");
        var erp = (await Client.KpisWhenAsync(k => k.GetProperty("syncLatency").EnumerateArray().Any(t => t.GetProperty("count").GetInt64() == delivered), $"{delivered} acknowledgements"))
            .GetProperty("syncLatency").EnumerateArray().Single();
        Assert.Equal(("erp", 300.0, 300.0), (erp.GetProperty("target").GetString(), erp.Number("p50Seconds"), erp.Number("p99Seconds")));
    }

    [Fact]
    public async Task Shipment_propagation_runs_from_the_ship_confirm_to_the_erp_acknowledging_it()
    {
        var dc1 = await StockedAsync(10);
        await _w.SubmitCreatedAsync(_w.Order(_w.Id("A")));
        await PauseErpAsync(true);
        await _w.SendAsync(_w.ShipConfirm(_w.Id("A"), _w.Id("S1"), dc1, 10));
        await _w.StatusAsync(_w.Id("A"), "shipped");
        factory.Clock.Advance(TimeSpan.FromMinutes(10));

        await PauseErpAsync(false);

        var propagation = (await Client.KpisWhenAsync(k => k.GetProperty("shipmentPropagation").GetProperty("count").GetInt64() == 1, "the shipment at the ERP"))
            .GetProperty("shipmentPropagation");
        Assert.Equal((600.0, 600.0), (propagation.Number("p50Seconds"), propagation.Number("p99Seconds")));
    }

    [Fact]
    public async Task Reconciliation_drift_is_the_units_and_sku_locations_differing_at_the_last_snapshot()
    {
        var dc1 = await StockedAsync(10);
        var start = _start;
        var other = TestIds.New("SKU");
        await Client.ReceiveAsync(other, 5, dc1);

        using var response = await Client.PostAsJsonAsync("/api/v1/erp/stock-snapshots", new
        {
            snapshotId = _w.Id("SNAP"), location = dc1, takenAt = start,
            items = new[] { new { sku = _w.Sku, onHand = 12L }, new { sku = other, onHand = 3L } },
        });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var drift = (await Client.KpisWhenAsync(k => k.GetProperty("reconciliationDrift").ValueKind == JsonValueKind.Object, "the snapshot"))
            .GetProperty("reconciliationDrift");
        Assert.Equal((4L, 2L), (drift.GetProperty("units").GetInt64(), drift.GetProperty("skuLocations").GetInt64()));
        Assert.InRange(drift.GetProperty("at").GetDateTimeOffset(), start, factory.Clock.GetUtcNow());
    }

    [Fact]
    public async Task What_happened_before_the_window_is_not_counted()
    {
        await StockedAsync(10);
        await _w.SubmitCreatedAsync(_w.Order(_w.Id("A")));

        factory.Clock.Advance(TimeSpan.FromMinutes(65));

        Assert.Equal(0, (await Client.GetKpisAsync("1h")).GetProperty("orderFallout").GetProperty("orders").GetInt64());
        Assert.Equal(1, (await Client.GetKpisAsync("24h")).GetProperty("orderFallout").GetProperty("orders").GetInt64());
    }

    [Fact]
    public async Task The_trend_has_twelve_equal_buckets_over_the_window_oldest_first()
    {
        await StockedAsync(10);
        var start = _start;
        factory.Clock.Advance(TimeSpan.FromMinutes(7));
        await _w.SubmitCreatedAsync(_w.Order(_w.Id("A")));

        var kpis = await Client.GetKpisAsync("1h");

        var trend = kpis.GetProperty("trend").EnumerateArray().ToList();
        Assert.Equal((start.AddMinutes(-50), start.AddMinutes(10)), (kpis.GetProperty("from").GetDateTimeOffset(), kpis.GetProperty("to").GetDateTimeOffset()));
        Assert.Equal(
            [.. Enumerable.Range(0, 12).Select(i => start.AddMinutes(-50 + (5 * i)))],
            trend.Select(b => b.GetProperty("from").GetDateTimeOffset()));
        Assert.Equal((0.0, 1.0), (trend[^1].Number("orderFalloutRate"), trend[^1].Number("fillRate")));
        Assert.All(trend[..^1], b => Assert.Null(b.Number("fillRate")));
    }

    [Fact]
    public async Task A_window_with_nothing_in_it_has_zero_counts_and_no_rates_percentiles_or_drift()
    {
        await factory.FreshHistoryAsync(Client);

        var kpis = await Client.GetKpisAsync("7d");

        Assert.Equal((0L, (double?)null), (kpis.GetProperty("orderFallout").GetProperty("orders").GetInt64(), kpis.GetProperty("orderFallout").Number("rate")));
        Assert.Null(kpis.GetProperty("orderCycleTime").Number("p50Seconds"));
        Assert.Equal(JsonValueKind.Null, kpis.GetProperty("reconciliationDrift").ValueKind);
        Assert.Equal((0, 0), (kpis.GetProperty("syncLatency").GetArrayLength(), kpis.GetProperty("exceptionResolution").GetArrayLength()));
    }

    [Fact]
    public async Task The_kpi_counters_are_served_on_metrics()
    {
        await StockedAsync(10);

        await _w.SubmitCreatedAsync(_w.Order(_w.Id("A")));

        var metrics = await Eventually.ReadAsync(
            () => Client.GetStringAsync(new Uri("/metrics", UriKind.Relative)),
            m => m.Contains("grid_kpi_orders_accepted_total", StringComparison.Ordinal), "the KPI counters on /metrics");
        Assert.Contains("grid_kpi_order_lines_filled_total", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_window_is_refused_naming_window()
    {
        using var response = await Client.GetAsync(new Uri("/api/v1/ops/kpis?window=2h", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadJsonAsync()).GetProperty("errors").TryGetProperty("window", out _));
    }

    /// <summary>A fresh history, a location serving the test's region, and <paramref name="units"/> of the test's SKU there.</summary>
    private async Task<string> StockedAsync(long units)
    {
        _start = await factory.FreshHistoryAsync(Client);
        var dc1 = _w.Location("DC1");
        await _w.AddLocationAsync(dc1, 1);
        if (units > 0)
        {
            await Client.ReceiveAsync(_w.Sku, units, dc1);
        }

        return dc1;
    }

    private async Task SupplierAsync(object supplierEvent)
    {
        using var response = await Client.PostAsJsonAsync("/api/v1/supplier/events", new { events = new[] { supplierEvent } });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private static object Line(string lineId, string sku, long quantity) => new { lineId, sku, quantity };

    private object Requested(string orderId, DateTimeOffset? requestedDeliveryDate) => new
    {
        orderId,
        customerId = _w.CustomerId,
        channel = "web",
        shipTo = new { region = _w.Region },
        requestedDeliveryDate,
        lines = new[] { Line("L1", _w.Sku, 10) },
    };

    private async Task PauseErpAsync(bool pause)
    {
        using var response = await Client.PostAsync(new Uri($"/api/v1/ops/outbox/erp/{(pause ? "pause" : "resume")}", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private Task<string> ExceptionIdAsync(string orderId)
        => Eventually.ReadAsync(async () =>
        {
            using var response = await Client.GetAsync(new Uri($"/api/v1/ops/exceptions?kind=shortPick&orderId={orderId}", UriKind.Relative));
            var list = (await response.ReadJsonAsync()).GetProperty("exceptions");
            return list.GetArrayLength() == 1 ? list[0].GetProperty("id").GetString() : null;
        }, id => id is not null, "the short pick in the queue")!;

    private async Task ActAsync(string id, string action, object body)
    {
        using var response = await Client.PostAsJsonAsync($"/api/v1/ops/exceptions/{id}/{action}", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
