using Grid.Domain;
using static Grid.Tests.Domain.InventoryBuilder;

namespace Grid.Tests.Domain;

[Trait("Category", "Domain")]
public sealed class ReservationTests
{
    [Fact]
    public void A_reservation_within_available_is_granted_in_full()
    {
        var inventory = WithOnHand(10);

        var decision = inventory.Reserve("r1", 4, T0);

        Assert.Equal(DecisionCode.Created, decision.Code);
        Assert.Equal(4, decision.Reservation!.Quantity);
        Assert.Equal(ReservationState.Active, decision.Reservation.State);
        Assert.Equal(6, decision.Available);
        Assert.True(decision.Changed);
    }

    [Fact]
    public void A_reservation_beyond_available_is_refused_and_holds_nothing()
    {
        var inventory = WithOnHand(10);

        var decision = inventory.Reserve("r1", 11, T0);

        Assert.Equal(DecisionCode.InsufficientStock, decision.Code);
        Assert.Equal(10, decision.Available);
        Assert.False(decision.Changed);
        Assert.Equal(0, inventory.Reserved);
        Assert.Empty(inventory.Reservations);
    }

    [Fact]
    public void A_partial_reservation_gets_what_is_available()
    {
        var inventory = WithOnHand(10);

        var decision = inventory.Reserve("r1", 25, T0, allowPartial: true);

        Assert.Equal(DecisionCode.Created, decision.Code);
        Assert.Equal(10, decision.Reservation!.Quantity);
        Assert.Equal(25, decision.Reservation.RequestedQuantity);
    }

    [Fact]
    public void A_partial_reservation_with_nothing_available_is_refused()
    {
        var inventory = WithOnHand(0);

        var decision = inventory.Reserve("r1", 5, T0, allowPartial: true);

        Assert.Equal(DecisionCode.InsufficientStock, decision.Code);
    }

    [Fact]
    public void The_same_request_again_gets_the_same_answer_and_holds_once()
    {
        var inventory = WithOnHand(10);
        var first = inventory.Reserve("r1", 4, T0, ttlSeconds: 60);

        var again = inventory.Reserve("r1", 4, T0.AddSeconds(5), ttlSeconds: 60);

        Assert.Equal(DecisionCode.Ok, again.Code);
        Assert.Equal(first.Reservation, again.Reservation);
        Assert.False(again.Changed);
        Assert.Equal(4, inventory.Reserved);
    }

    [Fact]
    public void The_same_id_with_a_different_request_is_a_conflict()
    {
        var inventory = WithOnHand(10);
        inventory.Reserve("r1", 4, T0);

        var conflict = inventory.Reserve("r1", 5, T0);

        Assert.Equal(DecisionCode.IdConflict, conflict.Code);
        Assert.Equal("reservationId", conflict.Field);
        Assert.Equal(4, inventory.Reserved);
    }

    [Fact]
    public void A_different_channel_under_the_same_id_is_a_conflict()
    {
        var inventory = WithOnHand(10);
        inventory.Reserve("r1", 4, T0, channel: "web");

        Assert.Equal(DecisionCode.IdConflict, inventory.Reserve("r1", 4, T0, channel: "store").Code);
    }

    [Fact]
    public void A_refused_request_may_be_sent_again_once_stock_arrives()
    {
        var inventory = WithOnHand(2);
        Assert.Equal(DecisionCode.InsufficientStock, inventory.Reserve("r1", 5, T0).Code);

        inventory.Receive(10, T0);

        Assert.Equal(DecisionCode.Created, inventory.Reserve("r1", 5, T0).Code);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void A_quantity_that_is_not_positive_is_invalid(long quantity)
    {
        var inventory = WithOnHand(10);

        var decision = inventory.Reserve("r1", quantity, T0);

        Assert.Equal(DecisionCode.Invalid, decision.Code);
        Assert.Equal("quantity", decision.Field);
        Assert.Empty(inventory.Reservations);
    }

    [Fact]
    public void Committing_moves_the_quantity_from_reserved_to_allocated_for_the_order()
    {
        var inventory = WithOnHand(10);
        inventory.Reserve("r1", 4, T0, orderId: "order-7");

        var decision = inventory.Commit("r1", null, T0);

        Assert.Equal(ReservationState.Committed, decision.Reservation!.State);
        Assert.Equal(0, inventory.Reserved);
        Assert.Equal(4, inventory.Allocated);
        Assert.Equal(new Allocation("order-7", 4, "web"), inventory.Allocations["order-7"]);
        Assert.Equal(6, inventory.AvailableFor(null));
    }

    [Fact]
    public void Committing_without_any_order_is_invalid()
    {
        var inventory = WithOnHand(10);
        inventory.Reserve("r1", 4, T0);

        var decision = inventory.Commit("r1", null, T0);

        Assert.Equal(DecisionCode.Invalid, decision.Code);
        Assert.Equal("orderId", decision.Field);
        Assert.Equal(4, inventory.Reserved);
    }

    [Fact]
    public void Committing_to_another_order_than_the_reservations_is_invalid()
    {
        var inventory = WithOnHand(10);
        inventory.Reserve("r1", 4, T0, orderId: "order-1");

        Assert.Equal(DecisionCode.Invalid, inventory.Commit("r1", "order-2", T0).Code);
    }

    [Fact]
    public void Committing_twice_answers_the_same_and_allocates_once()
    {
        var inventory = WithOnHand(10);
        inventory.Reserve("r1", 4, T0);
        inventory.Commit("r1", "order-1", T0);

        var again = inventory.Commit("r1", "order-1", T0);

        Assert.Equal(DecisionCode.Ok, again.Code);
        Assert.False(again.Changed);
        Assert.Equal(4, inventory.Allocated);
    }

    [Fact]
    public void Releasing_gives_the_stock_back()
    {
        var inventory = WithOnHand(10);
        inventory.Reserve("r1", 4, T0);

        var decision = inventory.Release("r1", T0);

        Assert.Equal(ReservationState.Released, decision.Reservation!.State);
        Assert.Equal(T0, decision.Reservation.ClosedAt);
        Assert.Equal(10, inventory.AvailableFor(null));
    }

    [Fact]
    public void Releasing_twice_answers_the_same()
    {
        var inventory = WithOnHand(10);
        inventory.Reserve("r1", 4, T0);
        var first = inventory.Release("r1", T0);

        var again = inventory.Release("r1", T0.AddMinutes(1));

        Assert.Equal(DecisionCode.Ok, again.Code);
        Assert.Equal(first.Reservation, again.Reservation);
        Assert.Equal(10, inventory.AvailableFor(null));
    }

    [Fact]
    public void A_committed_reservation_cannot_be_released()
    {
        var inventory = WithOnHand(10);
        inventory.Reserve("r1", 4, T0, orderId: "o1");
        inventory.Commit("r1", null, T0);

        var decision = inventory.Release("r1", T0);

        Assert.Equal(DecisionCode.NotActive, decision.Code);
        Assert.Equal(4, inventory.Allocated);
    }

    [Fact]
    public void A_released_reservation_cannot_be_committed()
    {
        var inventory = WithOnHand(10);
        inventory.Reserve("r1", 4, T0, orderId: "o1");
        inventory.Release("r1", T0);

        Assert.Equal(DecisionCode.NotActive, inventory.Commit("r1", null, T0).Code);
        Assert.Equal(0, inventory.Allocated);
    }

    [Fact]
    public void An_unknown_reservation_is_not_found()
    {
        var inventory = WithOnHand(10);

        Assert.Equal(DecisionCode.NotFound, inventory.Commit("nope", "o1", T0).Code);
        Assert.Equal(DecisionCode.NotFound, inventory.Release("nope", T0).Code);
        Assert.Equal(DecisionCode.NotFound, inventory.GetReservation("nope").Code);
    }

    [Fact]
    public void Concurrent_demand_never_gets_more_than_was_available()
    {
        var inventory = WithOnHand(37);
        var granted = 0L;

        for (var i = 0; i < 500; i++)
        {
            var decision = inventory.Reserve($"r{i}", 1 + (i % 3), T0, allowPartial: i % 2 == 0);
            if (decision.Code == DecisionCode.Created)
            {
                granted += decision.Reservation!.Quantity;
            }
        }

        Assert.Equal(37, granted);
        Assert.Equal(0, inventory.AvailableFor(null));
        Assert.Empty(inventory.Audit());
    }
}
