using Grid.Orders;

namespace Grid.Tests.Grains.Orders;

/// <summary>Backorders wait at their SKU-location's queue: receipts fill them first come, first served; supply dates promise them.</summary>
[Trait("Category", "Grains")]
[Collection(ClusterCollection.Name)]
public sealed class BackorderGrainTests(ClusterFixture fixture)
{
    private readonly OrderScenario _s = new(fixture);

    [Fact]
    public async Task A_receipt_fills_a_backordered_order_which_is_then_released()
    {
        var (sku, dc1) = (_s.Sku(), _s.Location("DC1"));
        await _s.AddLocation(dc1, 1);
        var backordered = (await _s.Submit(new OrderLineInput("L1", sku, 5))).Order!;
        Assert.Equal(OrderStatus.Backordered, backordered.Status);
        Assert.Equal(5, backordered.Lines[0].Backordered);

        await _s.Receive(sku, dc1, 8);

        var released = await _s.OrderWhen("1", o => o.Status == OrderStatus.Released);
        Assert.Equal(5, released.Lines[0].AllocatedAt(dc1));
        Assert.Equal(0, released.Lines[0].Backordered);
        Assert.Empty((await _s.Queue(sku, dc1).GetQueue()).Entries);
        Assert.Equal(3, (await _s.Inventory(sku, dc1).GetDetail()).Available);
    }

    [Fact]
    public async Task Receipts_fill_backorders_first_come_first_served()
    {
        var (sku, dc1) = (_s.Sku(), _s.Location("DC1"));
        await _s.AddLocation(dc1, 1);
        await _s.Submit("first", false, new OrderLineInput("L1", sku, 5));
        await _s.Submit("second", false, new OrderLineInput("L1", sku, 5));

        await _s.Receive(sku, dc1, 7);

        var first = await _s.OrderWhen("first", o => o.Status == OrderStatus.Released);
        var second = await _s.OrderWhen("second", o => o.Lines[0].AllocatedAt(dc1) == 2);
        Assert.Equal(5, first.Lines[0].AllocatedAt(dc1));
        Assert.Equal((OrderStatus.PartiallyBackordered, 3L), (second.Status, second.Lines[0].Backordered));
        var waiting = Assert.Single((await _s.Queue(sku, dc1).GetQueue()).Entries);
        Assert.Equal((_s.OrderId("second"), 3L), (waiting.OrderId, waiting.Quantity));
    }

    [Fact]
    public async Task A_backorder_is_promised_the_date_of_the_inbound_supply_that_covers_it()
    {
        var (sku, dc1) = (_s.Sku(), _s.Location("DC1"));
        var eta = _s.Now.AddDays(10);
        await _s.AddLocation(dc1, 1);
        await _s.Expect(sku, dc1, "PO-7", 20, eta);

        var order = (await _s.Submit(new OrderLineInput("L1", sku, 5))).Order!;

        Assert.Equal(eta, order.Lines[0].PromisedDate);
        Assert.Equal(eta, Assert.Single(order.Lines[0].Backorders).PromisedDate);
    }

    [Fact]
    public async Task A_supplier_delay_moves_the_promised_date_and_records_a_revised_commitment()
    {
        var (sku, dc1) = (_s.Sku(), _s.Location("DC1"));
        var eta = _s.Now.AddDays(10);
        await _s.AddLocation(dc1, 1);
        await _s.Expect(sku, dc1, "PO-7", 20, eta);
        await _s.Submit(new OrderLineInput("L1", sku, 5));

        await _s.Delay(sku, dc1, "PO-7", eta.AddDays(7));

        var revised = await _s.OrderWhen("1", o => o.Commitments.Length > 0);
        Assert.Equal(eta.AddDays(7), revised.Lines[0].PromisedDate);
        var commitment = Assert.Single(revised.Commitments);
        Assert.Equal(("L1", dc1, 5L, (DateTimeOffset?)eta, (DateTimeOffset?)eta.AddDays(7)),
            (commitment.LineId, commitment.Location, commitment.Quantity, commitment.PreviousPromisedDate, commitment.PromisedDate));
        Assert.Contains("PO-7", commitment.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_a_backordered_order_takes_it_out_of_the_queue()
    {
        var (sku, dc1) = (_s.Sku(), _s.Location("DC1"));
        await _s.AddLocation(dc1, 1);
        await _s.Submit(new OrderLineInput("L1", sku, 5));

        await _s.Order().Cancel("no longer needed");

        Assert.Empty((await _s.Queue(sku, dc1).GetQueue()).Entries);
        await _s.Receive(sku, dc1, 5);
        Assert.Equal(5, (await _s.Inventory(sku, dc1).GetDetail()).Available);
    }
}
