using Grid.Domain.Orders;

namespace Grid.Domain;

/// <summary>The answer to a takeover: the reservation as it now stands, or why it could not be taken over.</summary>
public sealed record TakeOverDecision(CartRefusal Refusal, Reservation? Reservation, bool Changed = false)
{
    public bool Taken => Refusal == CartRefusal.None;
}

// Cart to order: an order takes over a reservation its channel holds, and the hold becomes the order's allocation.
public sealed partial class SkuLocationInventory
{
    /// <summary>
    /// Commits reservation <paramref name="reservationId"/> to order <paramref name="orderId"/> when
    /// <see cref="CartReservations.Check"/> allows it (the channel's, active and not yet due, no other order's).
    /// Taking it over again answers the same.
    /// </summary>
    public TakeOverDecision TakeOver(string reservationId, string orderId, string channel, DateTimeOffset now)
    {
        var r = FindReservation(reservationId);
        var held = r is null ? null : new HeldReservation(r.Id, Sku, Location, r.State, r.Quantity, r.Channel, r.OrderId, r.ExpiresAt);
        var refusal = CartReservations.Check(held, orderId, channel, now);
        if (refusal != CartRefusal.None || r!.State == ReservationState.Committed)
        {
            return new TakeOverDecision(refusal, r);
        }

        var committed = Commit(reservationId, orderId, now);
        return new TakeOverDecision(CartRefusal.None, committed.Reservation, committed.Changed);
    }
}
