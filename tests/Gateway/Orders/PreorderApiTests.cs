using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Grid.Tests.Gateway.Orders;

/// <summary>
/// Pre-orders end to end: <c>PUT /api/v1/preorders/{sku}@{location}</c> opens them up to a cap, order lines with
/// <c>preorder: true</c> are promised from the dated inbound supply, a delay promises them again, and the cap holds
/// under a race.
/// </summary>
[Trait("Category", "Gateway")]
[Collection(GridApiCollection.Name)]
public sealed class PreorderApiTests(GridApiFactory factory)
{
    private static readonly DateTimeOffset Eta = new(2027, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly OrderWorld _w = new(factory.CreateClient());

    [Fact]
    public async Task A_pre_order_is_promised_from_the_supply_moved_by_a_delay_and_released_when_the_stock_arrives()
    {
        var dc1 = await SupplyAsync(30);
        await OpenAsync(dc1, cap: 20);

        var order = await _w.SubmitCreatedAsync(Preorder(_w.Id("O"), dc1, 8));

        Assert.Equal(("backordered", Eta, true), (order.Status(), order.Line().GetProperty("promisedDate").GetDateTimeOffset(), order.Line().GetProperty("preorder").GetBoolean()));
        var terms = await _w.Client.GetFromJsonAsync<JsonElement>($"/api/v1/preorders/{_w.Sku}@{dc1}");
        Assert.Equal((8L, 12L), (terms.GetProperty("preordered").GetInt64(), terms.GetProperty("remaining").GetInt64()));

        await SupplierAsync(new { eventId = TestIds.New("DLY"), source = "supplier-acme", occurredAt = DateTimeOffset.UtcNow, type = "delay", poId = _w.Id("PO"), newEta = Eta.AddDays(7) });
        var revised = await _w.OrderWhenAsync(_w.Id("O"), o => o.GetProperty("commitments").GetArrayLength() > 0, "a revised commitment");
        Assert.Equal(Eta.AddDays(7), revised.Line().GetProperty("promisedDate").GetDateTimeOffset());

        await _w.Client.ReceiveAsync(_w.Sku, 30, dc1);
        var released = await _w.StatusAsync(_w.Id("O"), "released");
        Assert.Equal(8, released.Line().AllocatedAt(dc1));
    }

    [Fact]
    public async Task Many_parallel_pre_orders_never_take_more_than_the_cap()
    {
        var dc1 = await SupplyAsync(100);
        await OpenAsync(dc1, cap: 10);

        var answers = await Task.WhenAll(Enumerable.Range(0, 25).Select(async i =>
        {
            using var response = await _w.SubmitAsync(Preorder(_w.Id($"O{i}"), dc1, 1));
            return (response.StatusCode, Body: await response.Content.ReadFromJsonAsync<JsonElement>());
        }));

        Assert.Equal(10, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        var refused = answers.Where(a => a.StatusCode != HttpStatusCode.Created).ToList();
        Assert.All(refused, a => Assert.Equal((HttpStatusCode.Conflict, "preorder-refused", "capExceeded"),
            (a.StatusCode, a.Body.GetProperty("code").GetString(), a.Body.GetProperty("lines")[0].GetProperty("reason").GetString())));
        var terms = await _w.Client.GetFromJsonAsync<JsonElement>($"/api/v1/preorders/{_w.Sku}@{dc1}");
        Assert.Equal((10L, 0L), (terms.GetProperty("preordered").GetInt64(), terms.GetProperty("remaining").GetInt64()));
    }

    [Fact]
    public async Task A_pre_order_where_none_are_open_is_refused_with_409_and_nothing_is_stored()
    {
        var dc1 = await SupplyAsync(10);
        var orderId = _w.Id("O");

        using var response = await _w.SubmitAsync(Preorder(orderId, dc1, 1));

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("notOpen", problem.GetProperty("lines")[0].GetProperty("reason").GetString());
        using var stored = await _w.Client.GetAsync(new Uri($"/api/v1/orders/{orderId}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, stored.StatusCode);
    }

    [Fact]
    public async Task A_pre_order_line_without_a_location_is_refused_with_400_naming_it()
    {
        using var response = await _w.SubmitAsync(_w.Order(_w.Id("O"), false, new { lineId = "L1", sku = _w.Sku, quantity = 1, preorder = true }));

        await response.AssertBadRequestNamingAsync("lines[0].location");
    }

    private object Preorder(string orderId, string location, long quantity)
        => _w.Order(orderId, false, new { lineId = "L1", sku = _w.Sku, quantity, location, preorder = true });

    private async Task<string> SupplyAsync(long quantity)
    {
        var dc1 = _w.Location("DC1");
        await _w.AddLocationAsync(dc1, 1);
        await SupplierAsync(new { eventId = TestIds.New("POA"), source = "supplier-acme", occurredAt = DateTimeOffset.UtcNow, type = "poAcknowledged", poId = _w.Id("PO"),
            lines = new[] { new { sku = _w.Sku, location = dc1, quantity, eta = Eta } } });
        await Eventually.ThatAsync(async () => (await _w.Client.GetInventoryAsync(_w.Sku, dc1)).GetProperty("inbound").GetArrayLength() == 1, "inbound supply recorded");
        return dc1;
    }

    private async Task OpenAsync(string location, long cap)
    {
        using var response = await _w.Client.PutAsJsonAsync($"/api/v1/preorders/{_w.Sku}@{location}", new { cap });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await response.ReadJsonAsync()).GetProperty("open").GetBoolean());
    }

    private async Task SupplierAsync(object supplierEvent)
    {
        using var response = await _w.Client.PostAsJsonAsync("/api/v1/supplier/events", new { events = new[] { supplierEvent } });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Empty((await response.ReadJsonAsync()).GetProperty("rejected").EnumerateArray());
    }
}
