using System.Globalization;
using System.Text.Json.Serialization;
using Grid.Domain.Outbound;

namespace Grid.Domain.Orders;

// Order changes after submission: a line cancelled or reduced, and the requested delivery date the promises are held to.
public sealed partial class Order
{
    /// <summary>When the customer wants the order delivered; a line promised later is flagged (<see cref="FlagIfLate"/>).</summary>
    [JsonInclude] public DateTimeOffset? RequestedDeliveryDate { get; private set; }

    /// <summary>Cancels what has not been picked or shipped of a line. Cancelling it again answers the same.</summary>
    public OrderDecision CancelLine(string lineId, string reason, DateTimeOffset now)
        => Line(lineId) is { } line
            ? ReduceLine(line, line.Shipped + line.PickedTotal, reason, now, cancelling: true)
            : UnknownLine(lineId);

    /// <summary>
    /// Reduces a line to <paramref name="quantity"/> units (its quantity less what is cancelled): units not yet sourced go
    /// first, then backordered units, then allocated ones, whose stock is given back. Picked and shipped units stay.
    /// </summary>
    public OrderDecision ReduceLine(string lineId, long quantity, string reason, DateTimeOffset now)
        => Line(lineId) is { } line ? ReduceLine(line, quantity, reason, now, cancelling: false) : UnknownLine(lineId);

    private OrderDecision ReduceLine(OrderLine line, long quantity, string reason, DateTimeOffset now, bool cancelling)
    {
        var current = line.Quantity - line.Cancelled;
        if (quantity < 0 || (!cancelling && quantity > current))
        {
            return new OrderDecision(OrderOutcome.Invalid,
                $"A line can only be reduced: line '{line.LineId}' is for {current} unit(s); {quantity} is not fewer.", "quantity");
        }

        var kept = line.Shipped + line.PickedTotal;
        if (quantity == current)
        {
            // A replay of a cancel answers the same; a line picked or shipped in full, never cancelled, has nothing to cancel.
            return cancelling && kept > 0 && line.Cancelled == 0
                ? new OrderDecision(OrderOutcome.Refused, $"Line '{line.LineId}' is picked or shipped in full ({line.PickedTotal} picked, {line.Shipped} shipped): nothing is left to cancel.")
                : OrderDecision.Unchanged;
        }

        if (!OrderLifecycle.CanCancel(Status))
        {
            return new OrderDecision(OrderOutcome.Refused,
                $"Order '{OrderId}' is {OrderLifecycle.Name(Status)}; its lines can change only until it is fully shipped.");
        }

        if (quantity < kept)
        {
            return new OrderDecision(OrderOutcome.Refused,
                $"Line '{line.LineId}' has {line.PickedTotal} unit(s) picked and {line.Shipped} shipped; it cannot go below {kept}.", "quantity");
        }

        if (Plan.Count > 0 || PendingTakeovers.Count > 0)
        {
            return new OrderDecision(OrderOutcome.Refused,
                $"Order '{OrderId}' is being sourced at this moment; send the change again.");
        }

        var cancel = current - quantity;
        var change = Version + 1;
        var left = cancel;
        var unsourced = Math.Min(left, line.Unsourced);
        line.Unsourced -= unsourced;
        left -= unsourced;
        foreach (var location in line.Backorders.Keys.Order(StringComparer.Ordinal).Reverse().ToList())
        {
            left -= left == 0 ? 0 : ReduceBackorder(line, location, left);
        }

        foreach (var location in line.Allocated.Keys.Order(StringComparer.Ordinal).Reverse().ToList())
        {
            var taken = left == 0 ? 0 : OrderLine.Take(line.Allocated, location, left);
            if (taken > 0)
            {
                PendingReleases.Add(new AllocationRelease(
                    string.Create(CultureInfo.InvariantCulture, $"order:{OrderId}/change/{change}/{line.LineId}/{location}"), line.Sku, location, taken));
                left -= taken;
            }
        }

        line.Cancelled += cancel;
        var cause = cancelling
            ? $"line {line.LineId} cancelled ({cancel} unit(s)): {reason}"
            : $"line {line.LineId} reduced to {quantity} unit(s) ({cancel} cancelled): {reason}";
        Touch(now);
        Publish(OutboundEventTypes.OrderChanged, StatusData(null, cause), now);
        SettleAfterChange(now, cause);
        return OrderDecision.Changed;
    }

    /// <summary>After a change: an order with nothing left to ship and nothing shipped is cancelled; otherwise it settles as usual.</summary>
    private void SettleAfterChange(DateTimeOffset now, string cause)
    {
        if (Lines.All(l => l.Open == 0) && Lines.All(l => l.Shipped == 0))
        {
            CancellationReason = cause;
            MoveTo(OrderStatus.Cancelled, $"every line cancelled; {cause}", now);
            return;
        }

        Settle(now, cause);
    }

    /// <summary>
    /// Holds a line's promise to the requested delivery date: a line whose backorders are promised after it (or cannot be
    /// promised at all) raises a <see cref="OrderExceptionKind.RequestedDateMissed"/> exception, once per promise.
    /// </summary>
    private void FlagIfLate(OrderLine line, DateTimeOffset now)
    {
        if (!line.IsLateFor(RequestedDeliveryDate) || line.LateFlaggedFor == line.PromiseKey)
        {
            return;
        }

        line.LateFlaggedFor = line.PromiseKey;
        RaiseException(OrderExceptionKind.RequestedDateMissed, line.PromisedDate is { } promised
            ? $"Line {line.LineId}: {line.Backordered} unit(s) of {line.Sku} are promised for {promised:u}, after the requested delivery date {RequestedDeliveryDate:u}."
            : $"Line {line.LineId}: {line.Backordered} unit(s) of {line.Sku} wait for stock with no supply due to promise them by the requested delivery date {RequestedDeliveryDate:u}.",
            now, line.LineId);
    }

    private static OrderDecision UnknownLine(string lineId)
        => new(OrderOutcome.Invalid, $"The order has no line '{lineId}'.", "lineId");
}
