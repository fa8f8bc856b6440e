using System.Text.Json.Serialization;

namespace Grid.Domain.Orders;

// Cart to order: reservations the channel already holds become the lines' allocations.
public sealed partial class Order
{
    /// <summary>Reservations decided at submission and not yet committed to this order at their SKU-locations.</summary>
    [JsonInclude] public List<CartTakeover> PendingTakeovers { get; private set; } = [];

    /// <summary>
    /// Submits an order whose lines take over the reservations in <paramref name="takeovers"/> (checked by
    /// <see cref="CartReservations.Decide"/>): their units are the lines' allocation-to-be, not sourced again.
    /// </summary>
    public static Order Submit(OrderSubmission submission, IReadOnlyList<CartTakeover> takeovers, DateTimeOffset now, Func<string, bool>? wantedEvents = null)
    {
        var order = Submit(submission, now, wantedEvents);
        foreach (var takeover in takeovers)
        {
            order.Line(takeover.LineId)!.Unsourced -= takeover.Quantity;
            order.PendingTakeovers.Add(takeover);
        }

        return order;
    }

    /// <summary>
    /// Books a takeover the SKU-location answered: the units taken are allocated; a reservation lost in between (it
    /// expired or was released after the check) leaves its units to be sourced like any other.
    /// </summary>
    public void ApplyTakeover(CartTakeover takeover, long taken, DateTimeOffset now)
    {
        if (!PendingTakeovers.Remove(takeover))
        {
            return;
        }

        var line = Line(takeover.LineId)!;
        taken = Math.Clamp(taken, 0, takeover.Quantity);
        OrderLine.Add(line.Allocated, takeover.Location, taken);
        line.Unsourced += takeover.Quantity - taken;
        Touch(now);
        if (PendingTakeovers.Count == 0)
        {
            Settle(now, "the channel's reservations became the order's allocation");
        }
    }

    /// <summary>Whether a line of this order names reservation <paramref name="reservationId"/> for <paramref name="sku"/>.</summary>
    public bool Tracks(string sku, string reservationId)
        => Lines.Any(l => string.Equals(l.Sku, sku, StringComparison.Ordinal) && l.ReservationIds.Contains(reservationId, StringComparer.Ordinal));
}
