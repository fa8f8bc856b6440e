using System.Collections.Immutable;
using Grid.Domain.Orders;
using Grid.Inventory;

namespace Grid.Orders;

// Cart to order: the reservations a submission's lines name are checked before anything is stored, then taken over.
public sealed partial class OrderGrain
{
    /// <summary>
    /// Looks up every reservation the submission's lines name, at the line's requested location or else at every
    /// location the SKU grain knows for the SKU, and decides whether all can be taken over. Reads only.
    /// </summary>
    private async Task<CartDecision> CheckCartAsync(OrderSubmission submission)
    {
        var found = new Dictionary<(string LineId, string ReservationId), IReadOnlyList<HeldReservation>>();
        foreach (var line in submission.Lines.Where(l => l.ReservationIds is { Count: > 0 }))
        {
            IReadOnlyList<string> locations = line.Location is { } requested ? [requested] : await LocationsOfAsync(line.Sku);
            foreach (var id in line.ReservationIds!)
            {
                var answers = await Task.WhenAll(locations.Select(location => Inventory(line.Sku, location).GetReservation(id)));
                found[(line.LineId, id)] = [.. answers
                    .Where(a => a.Code == ReservationResultCode.Ok && a.Reservation is not null)
                    .Select(a => a.Reservation!.ToHeld())];
            }
        }

        return CartReservations.Decide(submission, (lineId, id) => found.GetValueOrDefault((lineId, id)) ?? [], Now);
    }

    public async Task<OrderResult> CommitReservation(string skuLocation, string reservationId)
    {
        if (Order.IsEmpty)
        {
            return new OrderResult(OrderResultCode.NotFound, null,
                $"No order '{OrderId}': a reservation becomes an order's allocation when the order is submitted with it in a line's 'reservationIds'.");
        }

        if (!Identifiers.TryParseSkuLocationKey(skuLocation, out var sku, out _) || !Order.Tracks(sku, reservationId))
        {
            return new OrderResult(OrderResultCode.Refused, Order.ToView(),
                $"Order '{OrderId}' does not list reservation '{reservationId}' for {skuLocation}: submit the order with it in a line's 'reservationIds', so that the order tracks what it holds.",
                "orderId");
        }

        await RunPendingWorkAsync();
        return new OrderResult(OrderResultCode.Ok, Order.ToView());
    }

    private async Task<IReadOnlyList<string>> LocationsOfAsync(string sku)
    {
        var availability = await GrainFactory.Ref<ISkuGrain>(Identifiers.SkuGrainKey(sku)).GetAvailability(AvailabilityQuery.Now, []);
        return [.. availability.Locations.Select(l => l.Location)];
    }

    private OrderResult CartRefused(CartDecision decision)
    {
        LogCartRefused(OrderId, decision.Refusals.Count, decision.Refusals[0].Detail);
        return new OrderResult(
            OrderResultCode.ReservationsRefused,
            null,
            string.Join(" ", decision.Refusals.Select(r => r.Detail)),
            "lines",
            [.. decision.Refusals.Select(r => new CartRefusalView(r.LineId, r.ReservationId, (CartRefusal)r.Reason, r.Detail))]);
    }

    /// <summary>Commits each reservation taken over at submission to this order; one lost in between is sourced instead.</summary>
    private async Task TakeOverAsync()
    {
        if (Order.PendingTakeovers.Count == 0)
        {
            return;
        }

        foreach (var takeover in Order.PendingTakeovers.ToList())
        {
            var answer = await GrainFactory.Ref<IReservationTakeoverGrain>(Identifiers.SkuLocationKey(takeover.Sku, takeover.Location))
                .TakeOver(takeover.ReservationId, OrderId, Order.Channel);
            var taken = answer.Refusal == CartRefusal.None && answer.Reservation is { Status: ReservationStatus.Committed } r ? r.Quantity : 0;
            if (taken < takeover.Quantity)
            {
                LogCartReservationLost(OrderId, takeover.ReservationId, takeover.Location, answer.Refusal);
            }

            Order.ApplyTakeover(takeover, taken, Now);
        }

        await WriteAsync();
    }
}

internal static class CartMapping
{
    public static HeldReservation ToHeld(this ReservationView r)
        => new(r.ReservationId, r.Sku, r.Location, (Grid.Domain.ReservationState)r.Status, r.Quantity, r.Channel, r.OrderId, r.ExpiresAt);
}
