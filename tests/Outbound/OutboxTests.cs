using Grid.Inventory;
using Grid.Orders;

namespace Grid.Tests.Outbound;

/// <summary>Source grains write their outbound events with the change that caused them and hand them to the publishers.</summary>
[Trait("Category", "Grains")]
[Collection(OutboundCollection.Name)]
public sealed class OutboxTests(OutboundFixture fixture)
{
    private readonly string _tag = TestIds.Tag();

    [Fact]
    public async Task An_order_reaches_the_ERP_and_the_CRM_as_accepted_then_released_in_sequence_and_its_stock_as_availability()
    {
        fixture.Receiver.Behaviour = _ => Reply.Ok;
        var (sku, location, orderId) = ($"SKU-{_tag}", $"DC-{_tag}", $"O-{_tag}");
        await fixture.Grains.GetGrain<ILocationDirectoryGrain>(OrderKeys.Singleton)
            .Upsert(new LocationInput(location, "DC", LocationType.Dc, [$"r-{_tag}"], 1));
        await Inventory(sku, location).ApplyMovements([new WarehouseMovement($"rcv-{_tag}", "wms", fixture.Clock.GetUtcNow(), MovementType.Receipt, 10)]);

        var result = await fixture.Grains.GetGrain<IOrderGrain>(OrderKeys.Order(orderId)).Submit(new SubmitOrder(
            orderId, $"C-{_tag}", "web", new ShipToAddress($"r-{_tag}"), false, [new OrderLineInput("L1", sku, 4)]));
        Assert.Equal(OrderStatus.Released, result.Order!.Status);

        var subject = $"order/{orderId}";
        await Eventually.ThatAsync(() => fixture.SkippingBackoff(() => fixture.Receiver.AcceptedFor(subject).Count(r => r.Target != "wms") == 4), "accepted and released at both targets");
        foreach (var target in new[] { "erp", "crm" })
        {
            var events = fixture.Receiver.AcceptedFor(subject).Where(r => r.Target == target).ToList();
            Assert.Equal(["grid.order.accepted.v1", "grid.order.released.v1"], events.Select(e => e.Type));
            Assert.Equal(["00000000000000000001", "00000000000000000002"], events.Select(e => e.Sequence));
            Assert.Equal(orderId, events[1].Data.GetProperty("orderId").GetString());
            Assert.Equal("released", events[1].Data.GetProperty("status").GetString());
            Assert.Equal(4, events[1].Data.GetProperty("lines")[0].GetProperty("allocated")[0].GetProperty("quantity").GetInt64());
        }

        // The WMS takes the release only, in a batch.
        await Eventually.ThatAsync(() => fixture.SkippingBackoff(() => fixture.Receiver.AcceptedFor(subject).Any(r => r.Target == "wms")), "the release at the WMS");
        Assert.Equal("grid.order.released.v1", Assert.Single(fixture.Receiver.AcceptedFor(subject), r => r.Target == "wms").Type);

        // The CRM does not take availability; the ERP (every type) sees the SKU-location end at 6 available.
        var inventorySubject = $"inventory/{sku}@{location}";
        await Eventually.ThatAsync(
            () => Task.FromResult(Last(fixture.Receiver.AcceptedFor(inventorySubject))?.Data.GetProperty("available").GetInt64() == 6),
            "the availability after the allocation");
        Assert.DoesNotContain(fixture.Receiver.Accepted, r => r.Target == "crm" && r.Subject == inventorySubject);
        Assert.Empty((await fixture.Grains.GetGrain<IOrderGrain>(OrderKeys.Order(orderId)).Get()).Order!.Exceptions);
    }

    [Fact]
    public async Task A_burst_of_reservations_while_the_ERP_is_paused_reaches_it_as_the_latest_availability_only()
    {
        fixture.Receiver.Behaviour = _ => Reply.Ok;
        var (sku, location) = ($"BURST-{_tag}", "DC1");
        var subject = $"inventory/{sku}@{location}";
        await Inventory(sku, location).ApplyMovements([new WarehouseMovement($"rcv-{_tag}", "wms", fixture.Clock.GetUtcNow(), MovementType.Receipt, 100)]);
        await Eventually.ThatAsync(() => fixture.SkippingBackoff(() => fixture.Receiver.AcceptedFor(subject).Count == 1), "the receipt's availability");

        await fixture.Ops.SetPaused("erp", paused: true);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Inventory(sku, location).Reserve(new ReserveStock($"r{i}", "web", 1, TtlSeconds: 600))));
            await Eventually.ThatAsync(
                async () => (await fixture.Ops.GetTargets()).Single(t => t.Target == "erp").Depth >= 1
                    && (await Inventory(sku, location).GetDetail()).Reserved == 40,
                "the burst queued");
        }
        finally
        {
            await fixture.Ops.SetPaused("erp", paused: false);
        }

        await Eventually.ThatAsync(
            () => Task.FromResult(Last(fixture.Receiver.AcceptedFor(subject))?.Data.GetProperty("reserved").GetInt64() == 40),
            "the latest availability delivered");
        var delivered = fixture.Receiver.AcceptedFor(subject).Where(r => r.Target == "erp").ToList();
        Assert.InRange(delivered.Count, 2, 4);
        Assert.Equal(60, delivered[^1].Data.GetProperty("available").GetInt64());
        // Availability's sequence is the change's feed position: it rises with every change, and skips what was coalesced.
        Assert.Equal(delivered.Select(r => r.Sequence).Order(StringComparer.Ordinal), delivered.Select(r => r.Sequence));
        Assert.Equal(delivered.Count, delivered.Select(r => r.Sequence).Distinct().Count());
    }

    private static ReceivedRequest? Last(IReadOnlyList<ReceivedRequest> requests) => requests.Count == 0 ? null : requests[^1];

    private IInventoryGrain Inventory(string sku, string location) => fixture.Grains.GetGrain<IInventoryGrain>(Identifiers.SkuLocationKey(sku, location));
}
