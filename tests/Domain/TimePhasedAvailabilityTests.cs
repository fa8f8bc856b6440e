using Grid.Domain;
using static Grid.Tests.Domain.InventoryBuilder;

namespace Grid.Tests.Domain;

[Trait("Category", "Domain")]
public sealed class TimePhasedAvailabilityTests
{
    private static readonly DateTimeOffset Dec1 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Dec15 = new(2026, 12, 15, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Inbound_supply_does_not_count_for_available_now()
    {
        var inventory = WithOnHand(10);
        inventory.Move(MovementKind.InboundExpected, 50, T0, reference: "PO-1", eta: Dec1);

        Assert.Equal(10, inventory.AvailableFor(null));
    }

    [Fact]
    public void Supply_due_by_the_asked_date_adds_to_available()
    {
        var inventory = WithOnHand(10);
        inventory.Move(MovementKind.InboundExpected, 50, T0, reference: "PO-1", eta: Dec1);
        inventory.Move(MovementKind.InboundExpected, 30, T0, reference: "PO-2", eta: Dec15);

        Assert.Equal(10, inventory.AvailableFor(null, Dec1.AddDays(-1)));
        Assert.Equal(60, inventory.AvailableFor(null, Dec1));
        Assert.Equal(90, inventory.AvailableFor(null, Dec15));
    }

    [Fact]
    public void Supply_first_covers_a_shortfall_before_it_adds_to_available()
    {
        var inventory = WithOnHand(10);
        inventory.Reserve("r1", 10, T0);
        inventory.Move(MovementKind.Adjustment, -5, T0);
        inventory.Move(MovementKind.InboundExpected, 8, T0, reference: "PO-1", eta: Dec1);

        Assert.Equal(3, inventory.AvailableFor(null, Dec1));
    }

    [Fact]
    public void A_delay_moves_the_supply_out_of_the_earlier_date()
    {
        var inventory = WithOnHand(0);
        inventory.Move(MovementKind.InboundExpected, 50, T0, reference: "PO-1", eta: Dec1);

        inventory.Move(MovementKind.InboundDelayed, 0, T0, reference: "PO-1", eta: Dec15);

        Assert.Equal(0, inventory.AvailableFor(null, Dec1));
        Assert.Equal(50, inventory.AvailableFor(null, Dec15));
    }

    [Fact]
    public void A_receipt_against_the_purchase_order_turns_inbound_into_on_hand()
    {
        var inventory = WithOnHand(0);
        inventory.Move(MovementKind.InboundExpected, 50, T0, reference: "PO-1", eta: Dec1);

        inventory.Receive(20, T0, reference: "PO-1");

        Assert.Equal(20, inventory.OnHand);
        Assert.Equal(30, Assert.Single(inventory.Inbound).Quantity);
        Assert.Equal(50, inventory.AvailableFor(null, Dec1));
    }

    [Fact]
    public void An_asn_moves_its_quantity_from_the_purchase_order_line_to_its_own()
    {
        var inventory = WithOnHand(0);
        inventory.Move(MovementKind.InboundExpected, 50, T0, reference: "PO-1", eta: Dec15);

        inventory.Move(MovementKind.InboundExpected, 20, T0, reference: "ASN-9", orderId: "PO-1", eta: Dec1);

        Assert.Equal(20, inventory.AvailableFor(null, Dec1));
        Assert.Equal(50, inventory.AvailableFor(null, Dec15));
        Assert.Equal(["ASN-9", "PO-1"], inventory.Inbound.Select(l => l.Reference));
    }
}
