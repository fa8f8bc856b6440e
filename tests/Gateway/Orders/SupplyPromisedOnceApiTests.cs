using System.Net;
using System.Net.Http.Json;

namespace Grid.Tests.Gateway.Orders;

/// <summary>ATP for a date over HTTP is net of the supply already promised to backorders.</summary>
[Trait("Category", "Gateway")]
[Collection(GridApiCollection.Name)]
public sealed class SupplyPromisedOnceApiTests(GridApiFactory factory)
{
    private readonly OrderWorld _w = new(factory.CreateClient());

    [Fact]
    public async Task Supply_promised_to_a_backorder_is_not_offered_again_for_its_date()
    {
        var (dc1, orderId) = (_w.Location("DC1"), _w.Id("O"));
        var eta = new DateTimeOffset(2027, 2, 1, 8, 0, 0, TimeSpan.Zero);
        await _w.AddLocationAsync(dc1, 1);
        using (var supplier = await _w.Client.PostAsJsonAsync("/api/v1/supplier/events", new
        {
            events = new[]
            {
                new { eventId = TestIds.New("POA"), source = "supplier-acme", occurredAt = DateTimeOffset.UtcNow, type = "poAcknowledged", poId = _w.Id("PO"),
                    lines = new[] { new { sku = _w.Sku, location = dc1, quantity = 10, eta } } },
            },
        }))
        {
            Assert.Equal(HttpStatusCode.Accepted, supplier.StatusCode);
        }

        await Eventually.ThatAsync(async () => await _w.Client.AvailableAsync(_w.Sku, "?date=2027-02-01") == 10, "the supply in date ATP");

        var order = await _w.SubmitCreatedAsync(_w.Order(orderId));

        Assert.Equal(("backordered", eta), (order.Status(), order.Line().GetProperty("promisedDate").GetDateTimeOffset()));
        var atp = await Eventually.ReadAsync(() => _w.Client.GetAtpAsync(_w.Sku, "?date=2027-02-01"),
            a => a.GetProperty("locations").EnumerateArray().Any(l => l.GetProperty("backorderDemand").GetInt64() == 10), "the backorder demand in date ATP");
        var location = Assert.Single(atp.GetProperty("locations").EnumerateArray());
        Assert.Equal((0L, 0L, 10L), (atp.GetProperty("available").GetInt64(), location.GetProperty("available").GetInt64(), location.GetProperty("backorderDemand").GetInt64()));
        using var batch = await _w.Client.PostAsJsonAsync("/api/v1/atp/query", new { items = new[] { new { sku = _w.Sku } }, date = "2027-02-01" });
        Assert.Equal(0, (await batch.ReadJsonAsync()).GetProperty("items")[0].GetProperty("available").GetInt64());
    }
}
