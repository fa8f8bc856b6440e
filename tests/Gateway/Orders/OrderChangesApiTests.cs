using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Grid.Tests.Gateway.Orders;

/// <summary>Order changes over HTTP: a line cancelled or reduced, the requested delivery date, and a customer's order list.</summary>
[Trait("Category", "Gateway")]
[Collection(GridApiCollection.Name)]
public sealed class OrderChangesApiTests(GridApiFactory factory)
{
    private readonly OrderWorld _w = new(factory.CreateClient());

    private async Task<(string Dc1, string OrderId)> ReleasedAsync(long stock = 20, long quantity = 10)
    {
        var (dc1, orderId) = (_w.Location("DC1"), _w.Id("O"));
        await _w.AddLocationAsync(dc1, 1);
        await _w.Client.ReceiveAsync(_w.Sku, stock, dc1);
        Assert.Equal("released", (await _w.SubmitCreatedAsync(_w.Order(orderId, lines: new { lineId = "L1", sku = _w.Sku, quantity }))).Status());
        return (dc1, orderId);
    }

    private Task<HttpResponseMessage> ReduceAsync(string orderId, object body, string lineId = "L1")
        => _w.Client.PostAsJsonAsync($"/api/v1/orders/{orderId}/lines/{lineId}/reduce", body);

    private Task<HttpResponseMessage> CancelLineAsync(string orderId, string lineId = "L1")
        => _w.Client.PostAsJsonAsync($"/api/v1/orders/{orderId}/lines/{lineId}/cancel", new { reason = "not wanted" });

    private async Task<JsonElement> ListAsync(string query)
    {
        using var response = await _w.Client.GetAsync(new Uri($"/api/v1/orders?{query}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    [Fact]
    public async Task Reducing_a_line_gives_the_cancelled_units_back_to_ATP()
    {
        var (dc1, orderId) = await ReleasedAsync();

        using var response = await ReduceAsync(orderId, new { quantity = 6, reason = "fewer wanted" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var order = await response.ReadJsonAsync();
        Assert.Equal(("released", 6L, 4L), (order.Status(), order.Line().AllocatedAt(dc1), order.Line().GetProperty("cancelled").GetInt64()));
        await Eventually.ThatAsync(async () => await _w.Client.AvailableAsync(_w.Sku) == 14, "the 4 units given back");
    }

    [Fact]
    public async Task Cancelling_the_only_line_cancels_the_order_and_gives_its_stock_back()
    {
        var (_, orderId) = await ReleasedAsync();

        using var response = await CancelLineAsync(orderId);

        Assert.Equal("cancelled", (await response.ReadJsonAsync()).Status());
        await Eventually.ThatAsync(async () => await _w.Client.AvailableAsync(_w.Sku) == 20, "the 10 units given back");
    }

    [Fact]
    public async Task Reducing_below_what_is_picked_is_refused_409_naming_the_status()
    {
        var (dc1, orderId) = await ReleasedAsync();
        await _w.SendAsync(_w.Pick(orderId, dc1, 8));
        await _w.OrderWhenAsync(orderId, o => o.Line().GetProperty("picked").EnumerateArray().Sum(p => p.GetProperty("quantity").GetInt64()) == 8, "8 picked");

        using var response = await ReduceAsync(orderId, new { quantity = 5 });

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("picking", problem.GetProperty("orderStatus").GetString());
        Assert.Contains("8", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_line_cannot_be_increased_through_reduce()
    {
        var (_, orderId) = await ReleasedAsync();

        using var response = await ReduceAsync(orderId, new { quantity = 11 });

        await response.AssertBadRequestNamingAsync("quantity");
    }

    [Fact]
    public async Task A_line_backordered_past_the_requested_delivery_date_is_flagged_late()
    {
        var (dc1, orderId) = (_w.Location("DC1"), _w.Id("O"));
        var eta = new DateTimeOffset(2027, 2, 10, 8, 0, 0, TimeSpan.Zero);
        await _w.AddLocationAsync(dc1, 1);
        using (var supplier = await _w.Client.PostAsJsonAsync("/api/v1/supplier/events", new
        {
            events = new[]
            {
                new { eventId = TestIds.New("POA"), source = "supplier-acme", occurredAt = DateTimeOffset.UtcNow, type = "poAcknowledged", poId = _w.Id("PO"),
                    lines = new[] { new { sku = _w.Sku, location = dc1, quantity = 20, eta } } },
            },
        }))
        {
            Assert.Equal(HttpStatusCode.Accepted, supplier.StatusCode);
        }

        await Eventually.ThatAsync(async () => (await _w.Client.GetInventoryAsync(_w.Sku, dc1)).GetProperty("inbound").GetArrayLength() == 1, "inbound supply recorded");
        var requested = eta.AddDays(-5);
        var submitted = JsonSerializer.SerializeToNode(_w.Order(orderId))!.AsObject();
        submitted["requestedDeliveryDate"] = requested;

        var order = await _w.SubmitCreatedAsync(submitted);

        Assert.Equal((requested, eta), (order.GetProperty("requestedDeliveryDate").GetDateTimeOffset(), order.Line().GetProperty("promisedDate").GetDateTimeOffset()));
        Assert.True(order.Line().GetProperty("lateForRequestedDate").GetBoolean());
        Assert.Contains(order.GetProperty("exceptions").EnumerateArray(), e => e.GetProperty("kind").GetString() == "requestedDateMissed");
    }

    [Fact]
    public async Task A_customers_orders_are_listed_newest_first_in_pages_a_cursor_continues()
    {
        await _w.AddLocationAsync(_w.Location("DC1"), 1);
        await _w.Client.ReceiveAsync(_w.Sku, 30, _w.Location("DC1"));
        string[] ids = [_w.Id("O1"), _w.Id("O2"), _w.Id("O3")];
        foreach (var id in ids)
        {
            await _w.SubmitCreatedAsync(_w.Order(id));
        }

        var first = await ListAsync($"customerId={_w.CustomerId}&limit=2");
        var second = await ListAsync($"customerId={_w.CustomerId}&limit=2&after={first.GetProperty("next").GetString()}");

        Assert.Equal(ids.Reverse(), first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(o => o.GetProperty("orderId").GetString()));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task The_order_list_filters_by_status()
    {
        var (_, cancelled) = await ReleasedAsync();
        var released = _w.Id("O-kept");
        await _w.SubmitCreatedAsync(_w.Order(released));
        using (var cancel = await _w.Client.PostAsJsonAsync($"/api/v1/orders/{cancelled}/cancel", new { reason = "gone" }))
        {
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        }

        var list = await ListAsync($"customerId={_w.CustomerId}&status=cancelled");

        Assert.Equal([cancelled], list.GetProperty("items").EnumerateArray().Select(o => o.GetProperty("orderId").GetString()));
    }

    [Fact]
    public async Task The_order_list_needs_a_customer()
    {
        using var response = await _w.Client.GetAsync(new Uri("/api/v1/orders?status=released", UriKind.Relative));

        await response.AssertBadRequestNamingAsync("customerId");
    }
}
