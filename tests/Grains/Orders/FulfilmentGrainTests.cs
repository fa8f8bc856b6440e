using Grid.Orders;

namespace Grid.Tests.Grains.Orders;

/// <summary>Warehouse events drive a released order: picks, short picks, shipments, carrier milestones, invoices, returns.</summary>
[Trait("Category", "Grains")]
[Collection(ClusterCollection.Name)]
public sealed class FulfilmentGrainTests(ClusterFixture fixture)
{
    private readonly OrderScenario _s = new(fixture);

    private async Task<(string Sku, string Dc1, string Dc2)> ReleasedAsync(long quantity = 10, bool allowSplit = true, long stockAtDc2 = 0)
    {
        var (sku, dc1, dc2) = (_s.Sku(), _s.Location("DC1"), _s.Location("DC2"));
        await _s.AddLocation(dc1, 1);
        await _s.AddLocation(dc2, 2);
        await _s.Receive(sku, dc1, quantity);
        if (stockAtDc2 > 0)
        {
            await _s.Receive(sku, dc2, stockAtDc2);
        }

        Assert.Equal(OrderStatus.Released, (await _s.Submit("1", allowSplit, new OrderLineInput("L1", sku, quantity))).Order!.Status);
        return (sku, dc1, dc2);
    }

    [Fact]
    public async Task A_partial_shipment_leaves_the_order_partially_shipped_and_registers_the_shipment()
    {
        var (sku, dc1, _) = await ReleasedAsync();
        await _s.Events("1", _s.Pick(sku, dc1, 10));

        var order = (await _s.Events("1", _s.ShipConfirm("S1", dc1, new ShippedLine("L1", sku, 6)))).Order!;

        Assert.Equal(OrderStatus.PartiallyShipped, order.Status);
        Assert.Equal(6, order.Lines[0].Shipped);
        var shipment = await _s.Shipment("S1").Get();
        Assert.Equal((_s.OrderId(), "shipped", 6L), (shipment!.OrderId, shipment.Status, shipment.Lines[0].Quantity));
    }

    [Fact]
    public async Task Units_shipped_without_a_pick_leave_the_sku_location_as_a_pick()
    {
        var (sku, dc1, _) = await ReleasedAsync();

        await _s.Events("1", _s.ShipConfirm("S2", dc1, new ShippedLine("L1", sku, 10)));

        var detail = await _s.Inventory(sku, dc1).GetDetail();
        Assert.Equal((0L, 0L), (detail.OnHand, detail.Allocated));
    }

    [Fact]
    public async Task A_short_pick_sources_the_missing_units_elsewhere_and_raises_an_exception()
    {
        var (sku, dc1, dc2) = await ReleasedAsync(stockAtDc2: 5);

        var order = (await _s.Events("1", _s.ShortPick(sku, dc1, 3))).Order!;

        Assert.Equal(OrderStatus.Picking, order.Status);
        Assert.Equal((7L, 3L), (order.Lines[0].AllocatedAt(dc1), order.Lines[0].AllocatedAt(dc2)));
        var exception = Assert.Single(order.Exceptions);
        Assert.Equal((OrderExceptionKind.ShortPick, dc1), (exception.Kind, exception.Location));
        var ops = await _s.Grains.ExceptionsAsync(Grid.Exceptions.ExceptionKind.ShortPick, _s.OrderId());
        Assert.Equal(exception.Id, Assert.Single(ops).Reference);
    }

    [Fact]
    public async Task A_short_pick_with_nowhere_else_to_source_backorders_the_missing_units()
    {
        var (sku, dc1, _) = await ReleasedAsync();

        var order = (await _s.Events("1", _s.ShortPick(sku, dc1, 3))).Order!;

        Assert.Equal(3, order.Lines[0].Backordered);
        Assert.Equal(OrderExceptionKind.ShortPick, Assert.Single(order.Exceptions).Kind);
        Assert.Equal(3, Assert.Single((await _s.Queue(sku, dc1).GetQueue()).Entries).Quantity);
    }

    [Fact]
    public async Task Delivery_then_the_invoice_close_the_order()
    {
        var (sku, dc1, _) = await ReleasedAsync();
        await _s.Events("1", _s.ShipConfirm("S3", dc1, new ShippedLine("L1", sku, 10)));
        var shipment = _s.Shipment("S3");

        await shipment.AddMilestone(new MilestoneInput("m1", MilestoneType.Dispatched, _s.Now));
        await shipment.AddMilestone(new MilestoneInput("m2", MilestoneType.Delivered, _s.Now.AddDays(1), ProofOfDelivery: "signed: J. Doe"));
        await _s.OrderWhen("1", o => o.Status == OrderStatus.Delivered);
        var closed = await _s.Order().PostInvoice(new PostInvoice("INV-1", null, _s.Now));

        Assert.Equal(OrderStatus.Closed, closed.Order!.Status);
        Assert.Equal(
            [OrderStatus.Submitted, OrderStatus.Accepted, OrderStatus.Released, OrderStatus.Shipped, OrderStatus.Delivered, OrderStatus.Invoiced, OrderStatus.Closed],
            (await _s.Order().GetTimeline())!.Path());
    }

    [Fact]
    public async Task A_carrier_exception_is_raised_on_the_order()
    {
        var (sku, dc1, _) = await ReleasedAsync();
        await _s.Events("1", _s.ShipConfirm("S4", dc1, new ShippedLine("L1", sku, 10)));

        await _s.Shipment("S4").AddMilestone(new MilestoneInput("m1", MilestoneType.Exception, _s.Now, "address not found"));

        var order = await _s.OrderWhen("1", o => o.Exceptions.Length > 0);
        Assert.Contains("address not found", Assert.Single(order.Exceptions).Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ReturnDisposition.Restock)]
    [InlineData(ReturnDisposition.Quarantine)]
    [InlineData(ReturnDisposition.Scrap)]
    public async Task A_return_is_authorized_received_with_its_disposition_and_closed(ReturnDisposition disposition)
    {
        var (sku, dc1, _) = await ReleasedAsync();
        await _s.Events("1", _s.ShipConfirm($"S-{disposition}", dc1, new ShippedLine("L1", sku, 10)));
        Assert.Equal(OrderResultCode.Ok, (await _s.Order().AuthorizeReturn(new AuthorizeReturn("RMA-1", [new ReturnLineInput("L1", 2)]))).Code);

        var order = (await _s.Events("1", _s.ReturnReceived("RMA-1", sku, dc1, 2, disposition))).Order!;

        var authorization = Assert.Single(order.Returns);
        Assert.Equal(ReturnStatus.Closed, authorization.Status);
        var line = Assert.Single(authorization.Lines);
        Assert.Equal(2, disposition switch
        {
            ReturnDisposition.Restock => line.Restocked,
            ReturnDisposition.Quarantine => line.Quarantined,
            _ => line.Scrapped,
        });
        Assert.Equal(2, authorization.CreditMemoQuantity);
    }

    [Fact]
    public async Task An_order_released_and_not_shipped_beyond_its_threshold_raises_an_SLA_breach()
    {
        await ReleasedAsync();

        fixture.Clock.Advance(TimeSpan.FromHours(4) + TimeSpan.FromMinutes(1));

        var order = await _s.OrderWhen("1", o => o.Exceptions.Any(e => e.Kind == OrderExceptionKind.SlaBreach));
        var breach = Assert.Single(order.Exceptions, e => e.Kind == OrderExceptionKind.SlaBreach);
        Assert.Contains("released since", breach.Detail, StringComparison.Ordinal);
        var ops = await Eventually.ReadAsync(
            () => _s.Grains.ExceptionsAsync(Grid.Exceptions.ExceptionKind.SlaBreach, _s.OrderId()),
            list => list.Count > 0);
        Assert.Equal(breach.Id, Assert.Single(ops).Reference);
    }
}
