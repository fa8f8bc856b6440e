using Grid.Exceptions;
using Grid.Inventory;
using Grid.Tests.Grains;

namespace Grid.Tests.Outbound;

/// <summary>A SKU-location tells the systems that care when a reservation ends and when its self-checks fail.</summary>
[Trait("Category", "Grains")]
[Collection(OutboundCollection.Name)]
public sealed class InventoryEventDeliveryTests(OutboundFixture fixture)
{
    private readonly string _tag = TestIds.Tag();

    [Fact]
    public async Task A_reservation_that_expires_reaches_the_ERP_with_what_its_channel_may_promise_again()
    {
        fixture.Receiver.Behaviour = _ => Reply.Ok;
        var (sku, reservationId) = ($"EXP-{_tag}", $"cart-{_tag}");
        var inventory = Inventory(sku);
        await inventory.ApplyMovements([Receipt(10)]);
        await inventory.Reserve(new ReserveStock(reservationId, "web", 4, TtlSeconds: 60));

        fixture.Clock.Advance(TimeSpan.FromSeconds(61));
        await inventory.SweepExpired();

        var subject = $"reservation/{sku}@DC1/{reservationId}";
        await Eventually.ThatAsync(() => fixture.SkippingBackoff(() => fixture.Receiver.AcceptedFor(subject).Any(r => r.Target == "erp")), "the expiry at the ERP");
        var e = Assert.Single(fixture.Receiver.AcceptedFor(subject), r => r.Target == "erp");
        Assert.Equal("grid.reservation.expired.v1", e.Type);
        Assert.Equal(("web", 4L, 10L), (e.Data.GetProperty("channel").GetString(), e.Data.GetProperty("quantity").GetInt64(), e.Data.GetProperty("availableToChannel").GetInt64()));
    }

    [Fact]
    public async Task A_movement_that_leaves_on_hand_below_zero_is_told_once_and_listed_for_ops()
    {
        fixture.Receiver.Behaviour = _ => Reply.Ok;
        var sku = $"NEG-{_tag}";
        var inventory = Inventory(sku);
        await inventory.ApplyMovements([Receipt(3)]);

        await inventory.ApplyMovements([new WarehouseMovement($"pick-{_tag}", "wms", fixture.Clock.GetUtcNow(), MovementType.Pick, 5)]);

        var subject = $"inventory-check/{sku}@DC1";
        await Eventually.ThatAsync(() => fixture.SkippingBackoff(() => fixture.Receiver.AcceptedFor(subject).Any(r => r.Target == "erp")), "the check at the ERP");
        var e = Assert.Single(fixture.Receiver.AcceptedFor(subject), r => r.Target == "erp");
        Assert.Equal("grid.inventory.negative-on-hand.v1", e.Type);
        Assert.Equal(-2L, e.Data.GetProperty("onHand").GetInt64());

        ExceptionView? listed = null;
        await Eventually.ThatAsync(async () => (listed = (await OpsList(ExceptionKind.NegativeOnHand)).SingleOrDefault(x => x.Sku == sku)) is not null, "the ops listing");
        Assert.Equal(("DC1", (string?)null, ExceptionSubjectType.SkuLocation), (listed!.Location, listed.OrderId, listed.Subject.Type));
        Assert.Contains($"pick-{_tag}", listed.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commitments_beyond_the_stock_are_told_as_a_failed_self_check()
    {
        fixture.Receiver.Behaviour = _ => Reply.Ok;
        var sku = $"INV-{_tag}";
        var inventory = Inventory(sku);
        await inventory.ApplyMovements([Receipt(10)]);
        await inventory.Reserve(new ReserveStock($"r-{_tag}", "web", 8));

        await inventory.ApplyMovements([new WarehouseMovement($"adj-{_tag}", "wms", fixture.Clock.GetUtcNow(), MovementType.Adjustment, -5)]);

        var subject = $"inventory-check/{sku}@DC1";
        await Eventually.ThatAsync(() => fixture.SkippingBackoff(() => fixture.Receiver.AcceptedFor(subject).Any(r => r.Target == "erp")), "the check at the ERP");
        var e = Assert.Single(fixture.Receiver.AcceptedFor(subject), r => r.Target == "erp");
        Assert.Equal(("grid.inventory.invariant-violated.v1", "commitments-exceed-stock"), (e.Type, e.Data.GetProperty("rule").GetString()));
        await Eventually.ThatAsync(async () => (await OpsList(ExceptionKind.InvariantViolated)).Any(x => x.Sku == sku), "the ops listing");
    }

    private Task<IReadOnlyList<ExceptionView>> OpsList(ExceptionKind kind) => fixture.Grains.ExceptionsAsync(kind);

    private IInventoryGrain Inventory(string sku) => fixture.Grains.GetGrain<IInventoryGrain>(Identifiers.SkuLocationKey(sku, "DC1"));

    private WarehouseMovement Receipt(long quantity) => new(TestIds.New("rcv"), "wms", fixture.Clock.GetUtcNow(), MovementType.Receipt, quantity);
}
