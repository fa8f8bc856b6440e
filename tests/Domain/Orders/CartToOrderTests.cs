using Grid.Domain;
using Grid.Domain.Orders;
using static Grid.Tests.Domain.Orders.OrderBuilder;

namespace Grid.Tests.Domain.Orders;

/// <summary>Cart to order: reservations a line names become its allocation, or the submission is refused line by line.</summary>
[Trait("Category", "Domain")]
public sealed class CartToOrderTests
{
    private static HeldReservation Held(string id, long quantity, string location = "DC1", string channel = "web", ReservationState state = ReservationState.Active, string? orderId = null, DateTimeOffset? expiresAt = null)
        => new(id, "SKU-1", location, state, quantity, channel, orderId, expiresAt ?? T0.AddMinutes(10));

    private static OrderSubmission WithCart(long quantity, params string[] reservationIds)
        => Submission(false, new OrderLineRequest("L1", "SKU-1", quantity, null, reservationIds));

    private static CartDecision Decide(OrderSubmission submission, params HeldReservation[] found)
        => CartReservations.Decide(submission, (_, id) => [.. found.Where(r => r.ReservationId == id)], T0);

    [Fact]
    public void The_channels_active_reservation_is_taken_over_for_its_units_at_its_location()
    {
        var decision = Decide(WithCart(10, "cart-1"), Held("cart-1", 6));

        Assert.False(decision.IsRefused);
        Assert.Equal(new CartTakeover("L1", "SKU-1", "DC1", "cart-1", 6), Assert.Single(decision.Takeovers));
    }

    [Fact]
    public void One_id_held_at_two_locations_is_taken_over_at_both()
    {
        var decision = Decide(WithCart(10, "cart-1"), Held("cart-1", 4, "DC1"), Held("cart-1", 3, "DC2"));

        Assert.Equal(["DC1", "DC2"], decision.Takeovers.Select(t => t.Location));
    }

    [Theory]
    [InlineData(CartRefusal.OtherChannel)]
    [InlineData(CartRefusal.OtherOrder)]
    [InlineData(CartRefusal.Expired)]
    [InlineData(CartRefusal.Released)]
    public void A_reservation_that_cannot_be_taken_over_refuses_the_submission_naming_the_line_and_reason(CartRefusal reason)
    {
        var held = reason switch
        {
            CartRefusal.OtherChannel => Held("cart-1", 2, channel: "b2b"),
            CartRefusal.OtherOrder => Held("cart-1", 2, orderId: "O-OTHER"),
            CartRefusal.Expired => Held("cart-1", 2, state: ReservationState.Expired),
            _ => Held("cart-1", 2, state: ReservationState.Released),
        };

        var decision = Decide(WithCart(10, "cart-1"), held);

        var refusal = Assert.Single(decision.Refusals);
        Assert.Equal(("L1", "cart-1", reason), (refusal.LineId, refusal.ReservationId, refusal.Reason));
        Assert.Empty(decision.Takeovers);
    }

    [Fact]
    public void An_active_reservation_past_its_expiry_counts_as_expired_before_the_sweep_closes_it()
        => Assert.Equal(CartRefusal.Expired, CartReservations.Check(Held("cart-1", 2, expiresAt: T0), "O-1", "web", T0));

    [Fact]
    public void An_id_found_nowhere_for_the_lines_SKU_is_unknown()
        => Assert.Equal(CartRefusal.Unknown, Assert.Single(Decide(WithCart(10, "cart-9")).Refusals).Reason);

    [Fact]
    public void Reservations_holding_more_than_the_line_orders_are_refused()
        => Assert.Equal(CartRefusal.ExceedsLine, Assert.Single(Decide(WithCart(5, "cart-1"), Held("cart-1", 6)).Refusals).Reason);

    [Fact]
    public void A_reservation_already_committed_to_this_order_is_taken_over_again_as_the_same()
        => Assert.Equal(CartRefusal.None, CartReservations.Check(Held("cart-1", 2, state: ReservationState.Committed, orderId: "O-1"), "O-1", "web", T0));

    [Fact]
    public void Units_taken_over_are_not_sourced_again_and_the_order_waits_for_the_takeover()
    {
        var order = Order.Submit(WithCart(10, "cart-1"), [new CartTakeover("L1", "SKU-1", "DC1", "cart-1", 6)], T0);

        Assert.Equal(4, order.Lines[0].Unsourced);
        Assert.True(order.IsSourcing);
        Assert.Single(order.PendingTakeovers);
    }

    [Fact]
    public void A_whole_line_taken_over_is_allocated_and_released()
    {
        var takeover = new CartTakeover("L1", "SKU-1", "DC1", "cart-1", 10);
        var order = Order.Submit(WithCart(10, "cart-1"), [takeover], T0);

        order.ApplyTakeover(takeover, 10, T0);

        Assert.Equal((10L, OrderStatus.Released), (order.Lines[0].Allocated["DC1"], order.Status));
        Assert.Empty(order.Audit());
    }

    [Fact]
    public void A_reservation_lost_before_the_takeover_leaves_its_units_to_sourcing()
    {
        var takeover = new CartTakeover("L1", "SKU-1", "DC1", "cart-1", 10);
        var order = Order.Submit(WithCart(10, "cart-1"), [takeover], T0);

        order.ApplyTakeover(takeover, 0, T0);

        Assert.Equal((10L, OrderStatus.Submitted), (order.Lines[0].Unsourced, order.Status));
        Assert.True(order.NeedsPlan);
    }

    [Fact]
    public void A_resubmission_naming_other_reservations_is_a_different_order()
    {
        var order = Order.Submit(WithCart(10, "cart-1"), [], T0);

        Assert.Equal("lines[0]", order.CheckResubmission(WithCart(10, "cart-2")).Field);
        Assert.Equal(OrderOutcome.Unchanged, order.CheckResubmission(WithCart(10, "cart-1")).Outcome);
    }

    [Fact]
    public void The_order_tracks_the_reservations_its_lines_name_for_their_SKU()
    {
        var order = Order.Submit(WithCart(10, "cart-1"), [], T0);

        Assert.True(order.Tracks("SKU-1", "cart-1"));
        Assert.False(order.Tracks("SKU-2", "cart-1"));
    }
}
