using Grid.Orders;

namespace Grid.Tests.Grains.Orders;

/// <summary>Submission, sourcing, credit and cancellation of one order grain against live SKU-location grains.</summary>
[Trait("Category", "Grains")]
[Collection(ClusterCollection.Name)]
public sealed class OrderGrainTests(ClusterFixture fixture)
{
    private readonly OrderScenario _s = new(fixture);

    [Fact]
    public async Task An_order_is_allocated_at_the_region_location_with_the_first_priority_and_released()
    {
        var (sku, dc1, dc2) = (_s.Sku(), _s.Location("DC1"), _s.Location("DC2"));
        await _s.AddLocation(dc2, priority: 2);
        await _s.AddLocation(dc1, priority: 1);
        await _s.Receive(sku, dc1, 10);
        await _s.Receive(sku, dc2, 10);

        var result = await _s.Submit(new OrderLineInput("L1", sku, 4));

        Assert.Equal(OrderResultCode.Created, result.Code);
        Assert.Equal(OrderStatus.Released, result.Order!.Status);
        Assert.Equal(4, result.Order.Lines[0].AllocatedAt(dc1));
        var allocation = Assert.Single((await _s.Inventory(sku, dc1).GetDetail()).Allocations);
        Assert.Equal((_s.OrderId(), 4L), (allocation.OrderId, allocation.Quantity));
        Assert.Equal(
            [OrderStatus.Submitted, OrderStatus.Accepted, OrderStatus.Released],
            (await _s.Order().GetTimeline())!.Path());
    }

    [Fact]
    public async Task Submitting_the_same_order_again_answers_it_as_it_stands_and_allocates_nothing_more()
    {
        var (sku, dc1) = (_s.Sku(), _s.Location("DC1"));
        await _s.AddLocation(dc1, 1);
        await _s.Receive(sku, dc1, 10);
        var first = await _s.Submit(new OrderLineInput("L1", sku, 4));

        var again = await _s.Submit(new OrderLineInput("L1", sku, 4));

        Assert.Equal(OrderResultCode.Ok, again.Code);
        Assert.Equivalent(first.Order!.Lines, again.Order!.Lines, strict: true);
        Assert.Equal(4, (await _s.Inventory(sku, dc1).GetDetail()).Allocated);
    }

    [Fact]
    public async Task A_different_order_under_an_id_already_used_is_a_conflict_and_changes_nothing()
    {
        var (sku, dc1) = (_s.Sku(), _s.Location("DC1"));
        await _s.AddLocation(dc1, 1);
        await _s.Receive(sku, dc1, 10);
        await _s.Submit(new OrderLineInput("L1", sku, 4));

        var conflict = await _s.Submit(new OrderLineInput("L1", sku, 5));

        Assert.Equal(OrderResultCode.Conflict, conflict.Code);
        Assert.Equal("lines[0]", conflict.Field);
        Assert.Equal(4, (await _s.Inventory(sku, dc1).GetDetail()).Allocated);
    }

    [Fact]
    public async Task An_order_no_single_location_can_serve_is_split_when_allowed()
    {
        var (sku, dc1, dc2) = (_s.Sku(), _s.Location("DC1"), _s.Location("DC2"));
        await _s.AddLocation(dc1, 1);
        await _s.AddLocation(dc2, 2);
        await _s.Receive(sku, dc1, 6);
        await _s.Receive(sku, dc2, 6);

        var order = (await _s.Submit("1", true, new OrderLineInput("L1", sku, 10))).Order!;

        Assert.Equal(OrderStatus.Released, order.Status);
        Assert.Equal((6L, 4L), (order.Lines[0].AllocatedAt(dc1), order.Lines[0].AllocatedAt(dc2)));
        Assert.Equal(4, (await _s.Inventory(sku, dc2).GetDetail()).Allocated);
    }

    [Fact]
    public async Task An_order_for_a_region_no_location_serves_is_rejected_and_allocates_nothing()
    {
        var sku = _s.Sku();

        var result = await _s.Submit(new OrderLineInput("L1", sku, 4));

        Assert.Equal(OrderResultCode.Created, result.Code);
        Assert.Equal(OrderStatus.Rejected, result.Order!.Status);
        Assert.Contains(_s.Region, result.Order.RejectionReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_order_for_a_customer_on_credit_hold_is_allocated_but_held_until_the_ERP_releases_it()
    {
        var (sku, dc1) = (_s.Sku(), _s.Location("DC1"));
        await _s.AddLocation(dc1, 1);
        await _s.Receive(sku, dc1, 10);
        await _s.Customer.SetCredit(new CreditUpdate(CreditStatus.Hold, "over limit", _s.Now));

        var held = (await _s.Submit(new OrderLineInput("L1", sku, 4))).Order!;

        Assert.Equal(OrderStatus.OnHold, held.Status);
        Assert.True(held.OnHold);
        Assert.Equal(4, held.Lines[0].AllocatedAt(dc1));
        Assert.Equal([_s.OrderId()], (await _s.Customer.GetCredit()).HeldOrders.ToArray());

        await _s.Customer.SetCredit(new CreditUpdate(CreditStatus.Active, null, _s.Now.AddMinutes(5)));

        var released = await _s.OrderWhen("1", o => o.Status == OrderStatus.Released);
        Assert.Equal(OrderStatus.Released, released.Status);
        await Eventually.ReadAsync(() => _s.Customer.GetCredit(), c => c.HeldOrders.IsEmpty);
        Assert.Empty((await _s.Customer.GetCredit()).HeldOrders);
    }

    [Fact]
    public async Task Cancelling_gives_the_allocation_back_to_the_sku_location()
    {
        var (sku, dc1) = (_s.Sku(), _s.Location("DC1"));
        await _s.AddLocation(dc1, 1);
        await _s.Receive(sku, dc1, 10);
        await _s.Submit(new OrderLineInput("L1", sku, 4));

        var cancelled = await _s.Order().Cancel("customer changed their mind");

        Assert.Equal(OrderStatus.Cancelled, cancelled.Order!.Status);
        var detail = await _s.Inventory(sku, dc1).GetDetail();
        Assert.Equal((0L, 10L), (detail.Allocated, detail.Available));
    }

    [Fact]
    public async Task Cancelling_a_shipped_order_is_refused_naming_its_status()
    {
        var (sku, dc1) = (_s.Sku(), _s.Location("DC1"));
        await _s.AddLocation(dc1, 1);
        await _s.Receive(sku, dc1, 10);
        await _s.Submit(new OrderLineInput("L1", sku, 4));
        await _s.Events("1", _s.ShipConfirm("S1", dc1, new ShippedLine("L1", sku, 4)));

        var refused = await _s.Order().Cancel("too late");

        Assert.Equal(OrderResultCode.Refused, refused.Code);
        Assert.Contains("shipped", refused.Detail, StringComparison.Ordinal);
        Assert.Equal(OrderStatus.Shipped, refused.Order!.Status);
    }

    [Fact]
    public async Task An_order_survives_deactivation()
    {
        var (sku, dc1) = (_s.Sku(), _s.Location("DC1"));
        await _s.AddLocation(dc1, 1);
        await _s.Receive(sku, dc1, 10);
        var submitted = (await _s.Submit(new OrderLineInput("L1", sku, 4))).Order!;

        await fixture.Cluster.DeactivateAsync(_s.Order());

        var read = (await _s.Order().Get()).Order!;
        Assert.Equal(submitted.Status, read.Status);
        Assert.Equivalent(submitted.Lines, read.Lines, strict: true);
    }

    [Fact]
    public async Task An_order_never_submitted_is_not_found()
        => Assert.Equal(OrderResultCode.NotFound, (await _s.Order("nobody").Get()).Code);
}
