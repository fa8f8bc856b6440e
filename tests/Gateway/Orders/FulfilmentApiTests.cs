using System.Net;
using System.Net.Http.Json;

namespace Grid.Tests.Gateway.Orders;

/// <summary>Sourcing, backorders, short picks, partial shipments, supplier delays and ops exceptions over HTTP.</summary>
[Trait("Category", "Gateway")]
[Collection(GridApiCollection.Name)]
public sealed class FulfilmentApiTests(GridApiFactory factory)
{
    private readonly OrderWorld _w = new(factory.CreateClient());

    [Fact]
    public async Task An_order_with_split_allowed_is_sourced_across_locations_in_priority_order()
    {
        var (dc1, dc2, orderId) = (_w.Location("DC1"), _w.Location("DC2"), _w.Id("O"));
        await _w.AddLocationAsync(dc2, 2);
        await _w.AddLocationAsync(dc1, 1);
        await _w.Client.ReceiveAsync(_w.Sku, 6, dc1);
        await _w.Client.ReceiveAsync(_w.Sku, 6, dc2);

        var order = await _w.SubmitCreatedAsync(_w.Order(orderId, allowSplit: true));

        Assert.Equal(("released", 6L, 4L), (order.Status(), order.Line().AllocatedAt(dc1), order.Line().AllocatedAt(dc2)));
    }

    [Fact]
    public async Task A_backordered_order_is_filled_by_a_receipt_and_released()
    {
        var (dc1, orderId) = (_w.Location("DC1"), _w.Id("O"));
        await _w.AddLocationAsync(dc1, 1);
        var backordered = await _w.SubmitCreatedAsync(_w.Order(orderId));
        Assert.Equal(("backordered", 10L), (backordered.Status(), backordered.Line().GetProperty("backordered").GetInt64()));

        await _w.Client.ReceiveAsync(_w.Sku, 12, dc1);

        var released = await _w.StatusAsync(orderId, "released");
        Assert.Equal(10, released.Line().AllocatedAt(dc1));
        Assert.Equal(2, await _w.Client.AvailableAsync(_w.Sku));
    }

    [Fact]
    public async Task A_supplier_delay_moves_the_promised_date_of_a_backorder_and_records_the_revised_commitment()
    {
        var (dc1, orderId) = (_w.Location("DC1"), _w.Id("O"));
        var eta = new DateTimeOffset(2027, 1, 10, 8, 0, 0, TimeSpan.Zero);
        await _w.AddLocationAsync(dc1, 1);
        await SupplierAsync(new { eventId = TestIds.New("POA"), source = "supplier-acme", occurredAt = DateTimeOffset.UtcNow, type = "poAcknowledged", poId = _w.Id("PO"),
            lines = new[] { new { sku = _w.Sku, location = dc1, quantity = 20, eta } } });
        await Eventually.ThatAsync(async () => (await _w.Client.GetInventoryAsync(_w.Sku, dc1)).GetProperty("inbound").GetArrayLength() == 1, "inbound supply recorded");
        var order = await _w.SubmitCreatedAsync(_w.Order(orderId));
        Assert.Equal(eta, order.Line().GetProperty("promisedDate").GetDateTimeOffset());

        await SupplierAsync(new { eventId = TestIds.New("DLY"), source = "supplier-acme", occurredAt = DateTimeOffset.UtcNow, type = "delay", poId = _w.Id("PO"), newEta = eta.AddDays(14) });

        var revised = await _w.OrderWhenAsync(orderId, o => o.GetProperty("commitments").GetArrayLength() > 0, "a revised commitment");
        Assert.Equal(eta.AddDays(14), revised.Line().GetProperty("promisedDate").GetDateTimeOffset());
        var commitment = revised.GetProperty("commitments")[0];
        Assert.Equal(eta, commitment.GetProperty("previousPromisedDate").GetDateTimeOffset());
        Assert.Contains("delayed", commitment.GetProperty("cause").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_partial_shipment_leaves_the_order_partially_shipped_with_shipped_quantities_per_line()
    {
        var (dc1, orderId) = (_w.Location("DC1"), _w.Id("O"));
        await _w.AddLocationAsync(dc1, 1);
        await _w.Client.ReceiveAsync(_w.Sku, 10, dc1);
        await _w.SubmitCreatedAsync(_w.Order(orderId));
        await _w.SendAsync(_w.Pick(orderId, dc1, 10));

        await _w.SendAsync(_w.ShipConfirm(orderId, _w.Id("S"), dc1, 6));

        var order = await _w.StatusAsync(orderId, "partiallyShipped");
        Assert.Equal(6, order.Line().GetProperty("shipped").GetInt64());
        var shipment = order.GetProperty("shipments")[0];
        Assert.Equal(_w.Id("S"), shipment.GetProperty("shipmentId").GetString());
        using var read = await _w.Client.GetAsync(new Uri($"/api/v1/shipments/{_w.Id("S")}", UriKind.Relative));
        var view = await read.ReadJsonAsync();
        Assert.Equal((orderId, "shipped"), (view.GetProperty("orderId").GetString(), view.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task A_short_pick_is_re_sourced_elsewhere_and_raised_on_the_order_and_under_ops()
    {
        var (dc1, dc2, orderId) = (_w.Location("DC1"), _w.Location("DC2"), _w.Id("O"));
        await _w.AddLocationAsync(dc1, 1);
        await _w.AddLocationAsync(dc2, 2);
        await _w.Client.ReceiveAsync(_w.Sku, 10, dc1);
        await _w.Client.ReceiveAsync(_w.Sku, 5, dc2);
        await _w.SubmitCreatedAsync(_w.Order(orderId, allowSplit: true));

        await _w.SendAsync(_w.ShortPick(orderId, dc1, 3));

        var order = await _w.OrderWhenAsync(orderId, o => o.Line().AllocatedAt(dc2) == 3, "3 units re-sourced from DC2");
        Assert.Equal(("picking", 7L), (order.Status(), order.Line().AllocatedAt(dc1)));
        var exception = order.GetProperty("exceptions")[0];
        Assert.Equal("shortPick", exception.GetProperty("kind").GetString());
        await Eventually.ThatAsync(async () =>
        {
            using var ops = await _w.Client.GetAsync(new Uri($"/api/v1/ops/exceptions?kind=shortPick&orderId={orderId}", UriKind.Relative));
            return (await ops.ReadJsonAsync()).GetProperty("exceptions").GetArrayLength() == 1;
        }, "the short pick listed under ops");
    }

    [Fact]
    public async Task A_short_pick_sent_with_the_receipt_that_fills_the_order_leaves_the_sku_location_holding_what_the_order_holds()
    {
        var (dc1, orderId) = (_w.Location("DC1"), _w.Id("O"));
        await _w.AddLocationAsync(dc1, 1);
        await _w.SubmitCreatedAsync(_w.Order(orderId, lines: new { lineId = "L1", sku = _w.Sku, quantity = 5 }));

        await _w.SendAsync(GridHttp.Receipt(_w.Sku, 30, dc1), _w.ShortPick(orderId, dc1, 3));

        long held = -1, holds = -2;
        await Eventually.ThatAsync(async () =>
        {
            var order = await _w.GetOrderAsync(orderId);
            var inventory = await _w.Client.GetInventoryAsync(_w.Sku, dc1);
            held = order.Line().AllocatedAt(dc1);
            holds = inventory.GetProperty("allocations").EnumerateArray()
                .Where(a => a.GetProperty("orderId").GetString() == orderId).Sum(a => a.GetProperty("quantity").GetInt64());
            return order.Line().GetProperty("backordered").GetInt64() == 0 && order.Line().GetProperty("unsourced").GetInt64() == 0 && held == holds;
        }, "the order and its SKU-location agreeing on the allocation");
        Assert.Equal(5, held);
        Assert.Equal(27, (await _w.Client.GetInventoryAsync(_w.Sku, dc1)).GetProperty("onHand").GetInt64());
    }

    [Fact]
    public async Task A_carrier_exception_is_raised_on_the_order()
    {
        var (dc1, orderId, shipmentId) = (_w.Location("DC1"), _w.Id("O"), _w.Id("S"));
        await _w.AddLocationAsync(dc1, 1);
        await _w.Client.ReceiveAsync(_w.Sku, 10, dc1);
        await _w.SubmitCreatedAsync(_w.Order(orderId));
        await _w.SendAsync(_w.ShipConfirm(orderId, shipmentId, dc1, 10));
        await _w.StatusAsync(orderId, "shipped");

        await _w.MilestoneAsync(shipmentId, "exception", detail: "address not found");

        var order = await _w.OrderWhenAsync(orderId, o => o.GetProperty("exceptions").GetArrayLength() > 0, "a carrier exception");
        Assert.Equal("carrierException", order.GetProperty("exceptions")[0].GetProperty("kind").GetString());
    }

    [Fact]
    public async Task A_ship_confirm_without_lines_is_rejected_alone_naming_lines()
    {
        var badId = TestIds.New("EV");
        var ship = GridHttp.Event("shipConfirm", null, GridHttp.Dc1, badId, null, ("shipmentId", "S-1"), ("orderId", "O-1"));

        var result = await _w.Client.SendEventsAsync(ship, GridHttp.Receipt(_w.Sku, 1));

        var rejected = Assert.Single(result.GetProperty("rejected").EnumerateArray());
        Assert.Equal(badId, rejected.GetProperty("eventId").GetString());
        Assert.Contains("lines", rejected.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ops_exceptions_refuse_an_unknown_kind_naming_it()
    {
        using var response = await _w.Client.GetAsync(new Uri("/api/v1/ops/exceptions?kind=meteor", UriKind.Relative));
        await response.AssertBadRequestNamingAsync("kind");
    }

    private async Task SupplierAsync(object supplierEvent)
    {
        using var response = await _w.Client.PostAsJsonAsync("/api/v1/supplier/events", new { events = new[] { supplierEvent } });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Empty((await response.ReadJsonAsync()).GetProperty("rejected").EnumerateArray());
    }
}
