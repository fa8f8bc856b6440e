namespace Grid.Domain.Orders;

/// <summary>Why a reservation named on an order line cannot become that line's allocation.</summary>
public enum CartRefusal
{
    None = 0,

    /// <summary>No reservation with that id holds the line's SKU at any of its locations (unknown, or another SKU's).</summary>
    Unknown = 1,

    /// <summary>The reservation was made by another sales channel than the order's.</summary>
    OtherChannel = 2,

    /// <summary>The reservation belongs to (or was committed to) another order.</summary>
    OtherOrder = 3,

    /// <summary>The reservation expired (or is past its expiry and about to).</summary>
    Expired = 4,

    /// <summary>The channel released the reservation.</summary>
    Released = 5,

    /// <summary>The line's reservations hold more units than the line orders.</summary>
    ExceedsLine = 6,
}

/// <summary>A reservation as an order sees it when it is to take it over: where it is, what it holds, for whom.</summary>
public sealed record HeldReservation(
    string ReservationId,
    string Sku,
    string Location,
    ReservationState State,
    long Quantity,
    string Channel,
    string? OrderId,
    DateTimeOffset ExpiresAt);

/// <summary>A reservation an order takes over: its units become the line's allocation at <see cref="Location"/>.</summary>
public sealed record CartTakeover(string LineId, string Sku, string Location, string ReservationId, long Quantity);

/// <summary>A line whose reservation cannot be taken over, with the reason and a sentence naming it.</summary>
public sealed record CartLineRefusal(string LineId, string ReservationId, CartRefusal Reason, string Detail);

/// <summary>What an order submission does with its lines' reservations: take them all over, or refuse the lines that cannot be.</summary>
public sealed record CartDecision(IReadOnlyList<CartTakeover> Takeovers, IReadOnlyList<CartLineRefusal> Refusals)
{
    public bool IsRefused => Refusals.Count > 0;
}

/// <summary>
/// Cart to order (issue 20, item 2): a line may name reservations its channel holds for the line's SKU; the order takes
/// them over as they are, so the units are never held twice. All or nothing: one reservation that cannot be taken over
/// refuses the submission, naming every line and reason, and nothing is stored.
/// </summary>
public static class CartReservations
{
    /// <summary>
    /// Whether <paramref name="reservation"/> may become order <paramref name="orderId"/>'s allocation: it must be the
    /// channel's, active and not past its expiry, and belong to no other order. One committed to this very order already
    /// (a replay, or a takeover repeated after a crash) may.
    /// </summary>
    public static CartRefusal Check(HeldReservation? reservation, string orderId, string channel, DateTimeOffset now)
    {
        if (reservation is null)
        {
            return CartRefusal.Unknown;
        }

        if (!string.Equals(reservation.Channel, channel, StringComparison.Ordinal))
        {
            return CartRefusal.OtherChannel;
        }

        if (reservation.OrderId is { } owner && !string.Equals(owner, orderId, StringComparison.Ordinal))
        {
            return CartRefusal.OtherOrder;
        }

        return reservation.State switch
        {
            ReservationState.Committed => CartRefusal.None,
            ReservationState.Released => CartRefusal.Released,
            ReservationState.Expired => CartRefusal.Expired,
            _ => reservation.ExpiresAt <= now ? CartRefusal.Expired : CartRefusal.None,
        };
    }

    /// <summary>
    /// Decides a submission's takeovers. <paramref name="found"/> holds, per line and reservation id, the reservations
    /// with that id at the line's SKU-locations (none found: unknown).
    /// </summary>
    public static CartDecision Decide(
        OrderSubmission submission,
        Func<string, string, IReadOnlyList<HeldReservation>> found,
        DateTimeOffset now)
    {
        var takeovers = new List<CartTakeover>();
        var refusals = new List<CartLineRefusal>();
        foreach (var line in submission.Lines)
        {
            long held = 0;
            foreach (var id in line.ReservationIds ?? [])
            {
                var matches = found(line.LineId, id);
                if (matches.Count == 0)
                {
                    refusals.Add(new CartLineRefusal(line.LineId, id, CartRefusal.Unknown,
                        $"Line '{line.LineId}': no reservation '{id}' holds SKU '{line.Sku}' at {(line.Location is { } l ? $"location '{l}'" : "any of its locations")}."));
                    continue;
                }

                foreach (var reservation in matches)
                {
                    var reason = Check(reservation, submission.OrderId, submission.Channel, now);
                    if (reason != CartRefusal.None)
                    {
                        refusals.Add(new CartLineRefusal(line.LineId, id, reason, Describe(line.LineId, reservation, reason, submission)));
                        continue;
                    }

                    held += reservation.Quantity;
                    takeovers.Add(new CartTakeover(line.LineId, line.Sku, reservation.Location, id, reservation.Quantity));
                }
            }

            if (held > line.Quantity)
            {
                refusals.Add(new CartLineRefusal(line.LineId, string.Join(",", line.ReservationIds!), CartRefusal.ExceedsLine,
                    $"Line '{line.LineId}': its reservations hold {held} unit(s), more than the {line.Quantity} it orders."));
            }
        }

        return refusals.Count > 0 ? new CartDecision([], refusals) : new CartDecision(takeovers, []);
    }

    /// <summary>The reason as the API spells it (camelCase).</summary>
    public static string Name(CartRefusal reason)
    {
        var name = reason.ToString();
        return string.Concat(char.ToLowerInvariant(name[0]).ToString(), name[1..]);
    }

    private static string Describe(string lineId, HeldReservation r, CartRefusal reason, OrderSubmission submission)
    {
        var at = $"reservation '{r.ReservationId}' at {r.Sku}@{r.Location}";
        return reason switch
        {
            CartRefusal.OtherChannel => $"Line '{lineId}': {at} was made by channel '{r.Channel}', not the order's channel '{submission.Channel}'.",
            CartRefusal.OtherOrder => $"Line '{lineId}': {at} belongs to order '{r.OrderId}'.",
            CartRefusal.Expired => $"Line '{lineId}': {at} expired at {r.ExpiresAt:u}.",
            CartRefusal.Released => $"Line '{lineId}': {at} was released.",
            _ => $"Line '{lineId}': {at} cannot be taken over ({Name(reason)}).",
        };
    }
}
