using Grid.Domain;
using Grid.Domain.Orders;
using static Grid.Tests.Domain.InventoryBuilder;

namespace Grid.Tests.Domain;

/// <summary>A SKU-location hands a channel's reservation over to an order: the hold becomes the allocation, never a second hold.</summary>
[Trait("Category", "Domain")]
public sealed class ReservationTakeOverTests
{
    [Fact]
    public void Taking_over_turns_the_hold_into_the_orders_allocation()
    {
        var inventory = WithOnHand(10);
        inventory.Reserve("cart-1", 4, T0);

        var decision = inventory.TakeOver("cart-1", "O-1", "web", T0);

        Assert.True(decision.Taken && decision.Changed);
        Assert.Equal((0L, 4L, 6L), (inventory.Reserved, inventory.Allocated, inventory.AvailableFor("web")));
        Assert.Equal(("O-1", ReservationState.Committed), (decision.Reservation!.OrderId, decision.Reservation.State));
    }

    [Fact]
    public void Taking_over_again_answers_the_same_and_changes_nothing()
    {
        var inventory = WithOnHand(10);
        inventory.Reserve("cart-1", 4, T0);
        inventory.TakeOver("cart-1", "O-1", "web", T0);

        var again = inventory.TakeOver("cart-1", "O-1", "web", T0);

        Assert.True(again.Taken);
        Assert.False(again.Changed);
        Assert.Equal(4, inventory.Allocated);
    }

    [Fact]
    public void Another_channels_reservation_is_refused_and_stays_held()
    {
        var inventory = WithOnHand(10);
        inventory.Reserve("cart-1", 4, T0, channel: "b2b");

        var decision = inventory.TakeOver("cart-1", "O-1", "web", T0);

        Assert.Equal(CartRefusal.OtherChannel, decision.Refusal);
        Assert.Equal((4L, 0L), (inventory.Reserved, inventory.Allocated));
    }

    [Fact]
    public void A_reservation_past_its_expiry_is_refused_even_before_the_sweep()
    {
        var inventory = WithOnHand(10);
        inventory.Reserve("cart-1", 4, T0, ttlSeconds: 60);

        Assert.Equal(CartRefusal.Expired, inventory.TakeOver("cart-1", "O-1", "web", T0.AddMinutes(2)).Refusal);
        Assert.Equal(0, inventory.Allocated);
    }
}
