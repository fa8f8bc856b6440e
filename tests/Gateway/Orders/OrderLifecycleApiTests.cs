using System.Net;

namespace Grid.Tests.Gateway.Orders;

/// <summary>One order from submission to closure, and a return, through the public HTTP contract only.</summary>
[Trait("Category", "Gateway")]
[Collection(GridApiCollection.Name)]
public sealed class OrderLifecycleApiTests(GridApiFactory factory)
{
    private readonly OrderWorld _w = new(factory.CreateClient());

    [Fact]
    public async Task An_order_goes_from_submission_to_closed_and_a_restocked_return_goes_back_on_hand()
    {
        var (dc1, orderId, shipmentId) = (_w.Location("DC1"), _w.Id("O"), _w.Id("S"));
        await _w.AddLocationAsync(dc1, 1);
        await _w.Client.ReceiveAsync(_w.Sku, 25, dc1);

        var submitted = await _w.SubmitCreatedAsync(_w.Order(orderId));
        Assert.Equal("released", submitted.Status());
        Assert.Equal(10, submitted.Line().AllocatedAt(dc1));
        Assert.Equal(15, await _w.Client.AvailableAsync(_w.Sku));

        await _w.SendAsync(_w.Pick(orderId, dc1, 10));
        await _w.StatusAsync(orderId, "picking");
        await _w.SendAsync(_w.ShipConfirm(orderId, shipmentId, dc1, 10));
        await _w.StatusAsync(orderId, "shipped");

        await _w.MilestoneAsync(shipmentId, "dispatched");
        await _w.MilestoneAsync(shipmentId, "delivered", proofOfDelivery: "signed: J. Doe");
        await _w.StatusAsync(orderId, "delivered");

        using (var invoiced = await _w.InvoiceAsync(orderId, _w.Id("INV")))
        {
            Assert.Equal(HttpStatusCode.OK, invoiced.StatusCode);
            Assert.Equal("closed", (await invoiced.ReadJsonAsync()).Status());
        }

        using (var timeline = await _w.Client.GetAsync(new Uri($"/api/v1/orders/{orderId}/timeline", UriKind.Relative)))
        {
            var entries = await timeline.ReadJsonAsync();
            Assert.Equal(["submitted", "accepted", "released", "picking", "shipped", "delivered", "invoiced", "closed"], entries.Path());
            Assert.All(entries.GetProperty("entries").EnumerateArray(), e => Assert.False(string.IsNullOrEmpty(e.GetProperty("cause").GetString())));
        }

        var inventory = await _w.Client.GetInventoryAsync(_w.Sku, dc1);
        Assert.Equal((15L, 0L), (inventory.GetProperty("onHand").GetInt64(), inventory.GetProperty("allocated").GetInt64()));

        var returnId = _w.Id("RMA");
        Assert.Equal("authorized", (await _w.AuthorizeReturnAsync(orderId, returnId, 3)).GetProperty("status").GetString());

        await _w.SendAsync(_w.ReturnReceived(orderId, returnId, dc1, 3, "restock"));

        var closedReturn = await _w.OrderWhenAsync(orderId, o => o.GetProperty("returns")[0].GetProperty("status").GetString() == "closed", "return closed");
        Assert.Equal(3, closedReturn.GetProperty("returns")[0].GetProperty("lines")[0].GetProperty("restocked").GetInt64());
        Assert.Equal(18, (await _w.Client.GetInventoryAsync(_w.Sku, dc1)).GetProperty("onHand").GetInt64());
    }

    [Fact]
    public async Task A_quarantined_return_goes_on_hand_but_not_available_and_a_scrapped_one_changes_no_stock()
    {
        var (dc1, orderId, shipmentId) = (_w.Location("DC1"), _w.Id("O"), _w.Id("S"));
        await _w.AddLocationAsync(dc1, 1);
        await _w.Client.ReceiveAsync(_w.Sku, 10, dc1);
        await _w.SubmitCreatedAsync(_w.Order(orderId));
        await _w.SendAsync(_w.ShipConfirm(orderId, shipmentId, dc1, 10));
        await _w.StatusAsync(orderId, "shipped");
        await _w.AuthorizeReturnAsync(orderId, "RMA-Q", 2);
        await _w.AuthorizeReturnAsync(orderId, "RMA-S", 1);

        await _w.SendAsync(_w.ReturnReceived(orderId, "RMA-Q", dc1, 2, "quarantine"), _w.ReturnReceived(orderId, "RMA-S", dc1, 1, "scrap"));

        var order = await _w.OrderWhenAsync(orderId, o => o.GetProperty("returns").EnumerateArray().All(r => r.GetProperty("status").GetString() == "closed"), "both returns closed");
        Assert.Equal(2, order.GetProperty("returns")[0].GetProperty("lines")[0].GetProperty("quarantined").GetInt64());
        Assert.Equal(1, order.GetProperty("returns")[1].GetProperty("lines")[0].GetProperty("scrapped").GetInt64());
        var inventory = await _w.Client.GetInventoryAsync(_w.Sku, dc1);
        Assert.Equal((2L, 2L, 0L), (inventory.GetProperty("onHand").GetInt64(), inventory.GetProperty("quarantine").GetInt64(), inventory.GetProperty("available").GetInt64()));
    }
}
