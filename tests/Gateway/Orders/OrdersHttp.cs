using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Grid.Tests.Gateway.Orders;

/// <summary>
/// A world of its own for one HTTP test (fresh SKU, locations, region, customer, order and shipment ids), and the
/// order-side calls of the public contract.
/// </summary>
internal sealed class OrderWorld(HttpClient client)
{
    private readonly string _tag = TestIds.Tag();

    public HttpClient Client => client;

    public string Sku { get; } = TestIds.New("SKU");

    public string Region => $"region-{_tag}";

    public string CustomerId => $"C-{_tag}";

    public string Location(string name) => $"{name}-{_tag}";

    public string Id(string name) => $"{name}-{_tag}";

    public async Task AddLocationAsync(string location, int priority)
    {
        using var response = await client.PutAsJsonAsync($"/api/v1/locations/{location}", new { name = $"{location} warehouse", type = "dc", regions = new[] { Region }, priority });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public object Order(string orderId, bool allowSplit = false, params object[] lines) => new
    {
        orderId,
        customerId = CustomerId,
        channel = "web",
        shipTo = new { region = Region, name = "ACME Corp", line1 = "1 Main St", city = "Springfield", postalCode = "12345", country = "US" },
        allowSplit,
        lines = lines.Length == 0 ? [new { lineId = "L1", sku = Sku, quantity = 10 }] : lines,
    };

    public Task<HttpResponseMessage> SubmitAsync(object order) => client.PostAsJsonAsync("/api/v1/orders", order);

    public async Task<JsonElement> SubmitCreatedAsync(object order)
    {
        using var response = await SubmitAsync(order);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    public async Task<JsonElement> GetOrderAsync(string orderId)
    {
        using var response = await client.GetAsync(new Uri($"/api/v1/orders/{orderId}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    /// <summary>Reads the order until <paramref name="done"/> holds: events reach it through its queue a moment after the 202.</summary>
    public async Task<JsonElement> OrderWhenAsync(string orderId, Func<JsonElement, bool> done, string what)
    {
        var order = default(JsonElement);
        await Eventually.ThatAsync(async () => done(order = await GetOrderAsync(orderId)), $"order {orderId}: {what}");
        return order;
    }

    public Task<JsonElement> StatusAsync(string orderId, string status)
        => OrderWhenAsync(orderId, o => o.GetProperty("status").GetString() == status, $"status {status}");

    /// <summary>Posts warehouse events, checks that every one was accepted, and waits until their SKU-locations applied them.</summary>
    public async Task SendAsync(params object[] events)
        => Assert.Empty((await client.SendEventsAsync(events)).GetProperty("rejected").EnumerateArray());

    public async Task<JsonElement> AuthorizeReturnAsync(string orderId, string returnId, long quantity, string lineId = "L1")
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/orders/{orderId}/returns", new { returnId, lines = new[] { new { lineId, quantity } } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    public Dictionary<string, object?> Pick(string orderId, string location, long quantity, string lineId = "L1")
        => GridHttp.Event("pick", Sku, location, null, null, ("quantity", quantity), ("orderId", orderId), ("lineId", lineId));

    public Dictionary<string, object?> ShortPick(string orderId, string location, long missing, string lineId = "L1")
        => GridHttp.Event("shortPick", Sku, location, null, null, ("missingQuantity", missing), ("orderId", orderId), ("lineId", lineId));

    public Dictionary<string, object?> ShipConfirm(string orderId, string shipmentId, string location, long quantity, string lineId = "L1")
        => GridHttp.Event("shipConfirm", null, location, null, null, ("shipmentId", shipmentId), ("orderId", orderId), ("carrier", "UPS"),
            ("trackingNumber", $"1Z-{shipmentId}"), ("lines", new[] { new { lineId, sku = Sku, quantity } }));

    public Dictionary<string, object?> ReturnReceived(string orderId, string returnId, string location, long quantity, string disposition)
        => GridHttp.Event("returnReceived", Sku, location, null, null, ("returnId", returnId), ("orderId", orderId), ("quantity", quantity), ("disposition", disposition));

    public async Task MilestoneAsync(string shipmentId, string type, string? proofOfDelivery = null, string? detail = null)
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/shipments/{shipmentId}/milestones",
            new { eventId = TestIds.New("M"), type, occurredAt = DateTimeOffset.UtcNow, detail, proofOfDelivery });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public Task<HttpResponseMessage> SetCreditAsync(string status, DateTimeOffset updatedAt, string? reason = null)
        => client.PutAsJsonAsync($"/api/v1/customers/{CustomerId}/credit", new { status, reason, updatedAt });

    public Task<HttpResponseMessage> InvoiceAsync(string orderId, string invoiceId)
        => client.PostAsJsonAsync("/api/v1/erp/invoices", new { invoiceId, orderId, postedAt = DateTimeOffset.UtcNow });
}

internal static class OrderJson
{
    public static string Status(this JsonElement order) => order.GetProperty("status").GetString()!;

    public static JsonElement Line(this JsonElement order, int index = 0) => order.GetProperty("lines")[index];

    public static long AllocatedAt(this JsonElement line, string location)
        => line.GetProperty("allocations").EnumerateArray().Where(a => a.GetProperty("location").GetString() == location).Sum(a => a.GetProperty("quantity").GetInt64());

    public static string[] Path(this JsonElement timeline)
        => [.. timeline.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("to").GetString()!)];
}
