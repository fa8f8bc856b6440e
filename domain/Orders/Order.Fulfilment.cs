using System.Globalization;

namespace Grid.Domain.Orders;

// Fulfilment events from the warehouse and the carrier: picks, short picks, shipment, delivery.
public sealed partial class Order
{
    /// <summary>Whether the event with this (source, event id) key was applied already.</summary>
    public bool HasSeen(string eventKey) => RecentEventKeys.Contains(eventKey, StringComparer.Ordinal);

    /// <summary>Whether the event queued at <paramref name="mark"/> was applied already (a redelivery).</summary>
    public bool WasDelivered(DeliveryMark mark) => LastDelivery is { } last && mark <= last;

    public void MarkDelivered(DeliveryMark mark)
    {
        if (!WasDelivered(mark))
        {
            LastDelivery = mark;
            Version++;
        }
    }

    /// <summary>
    /// Units picked for a line: off the shelf whatever the order's state (the warehouse is physical truth), out of the
    /// line's allocation at that location as far as it holds them; anything odd is raised.
    /// </summary>
    public OrderDecision ApplyPick(WarehouseEventRef e, string lineId, string sku, string location, long quantity, DateTimeOffset now)
    {
        if (!Remember(e.Key, now))
        {
            return OrderDecision.Unchanged;
        }

        PendingPicks.Add(new PickToApply(e.EventId, e.Source, e.OccurredAt, sku, location, lineId, quantity, StockEffect.Pick, e.Sequence, e.Reference));
        if (WarehouseEventTarget("pick", lineId, sku, location, now) is not { } line)
        {
            return OrderDecision.Changed;
        }

        var taken = OrderLine.Take(line.Allocated, location, quantity);
        OrderLine.Add(line.Picked, location, taken);
        ReleaseTaken("pick", e.Key, line, location, taken);
        if (taken < quantity)
        {
            RaiseException(OrderExceptionKind.OverPick,
                $"Picked {quantity} of {sku} at {location} for line {lineId}, but only {taken} were allocated there; {quantity - taken} picked beyond the order.",
                now, lineId, location);
        }

        Settle(now, $"picking started at {location}");
        return OrderDecision.Changed;
    }

    /// <summary>
    /// Units the warehouse expected on the shelf are not there. Their allocation is given back and they are sourced
    /// again, never from that location in this order.
    /// </summary>
    public OrderDecision ApplyShortPick(WarehouseEventRef e, string lineId, string sku, string location, long missing, DateTimeOffset now)
    {
        if (!Remember(e.Key, now))
        {
            return OrderDecision.Unchanged;
        }

        PendingPicks.Add(new PickToApply(e.EventId, e.Source, e.OccurredAt, sku, location, lineId, missing, StockEffect.ShortPick, e.Sequence, e.Reference));
        if (WarehouseEventTarget("shortPick", lineId, sku, location, now) is not { } line)
        {
            return OrderDecision.Changed;
        }

        var freed = OrderLine.Take(line.Allocated, location, missing);
        ReleaseTaken("shortPick", e.Key, line, location, freed);
        line.Unsourced += freed;
        if (!line.ExcludedLocations.Contains(location, StringComparer.Ordinal))
        {
            line.ExcludedLocations.Add(location);
        }

        var detail = $"Short pick: {missing} of {sku} missing at {location} for line {lineId}; {freed} unit(s) to source again";
        detail += AllowSplit && line.RequestedLocation is null
            ? " from the other locations, or to backorder."
            : " (no split to other locations allowed), or to backorder.";
        if (freed < missing)
        {
            detail += $" {missing - freed} of the missing units were not allocated to this order there.";
        }

        RaiseException(OrderExceptionKind.ShortPick, detail, now, lineId, location);
        Settle(now, $"short pick at {location}");
        return OrderDecision.Changed;
    }

    /// <summary>
    /// The warehouse shipped: units come from what was picked at that location, then from what is still allocated there,
    /// then from a backorder there (the SKU-location is told of those two as a pick). Anything beyond is recorded and raised.
    /// </summary>
    public OrderDecision ConfirmShipment(
        WarehouseEventRef e, string shipmentId, string location, string? carrier, string? trackingNumber,
        IReadOnlyList<ShipmentLine> lines, DateTimeOffset now)
    {
        var occurredAt = e.OccurredAt;
        if (!Remember(e.Key, now) || Shipments.Any(s => string.Equals(s.ShipmentId, shipmentId, StringComparison.Ordinal)))
        {
            return OrderDecision.Unchanged;
        }

        if (OrderLifecycle.IsTerminal(Status) || OrderLifecycle.IsBeforeRelease(Status))
        {
            RaiseException(OrderExceptionKind.UnexpectedWarehouseEvent,
                $"Shipment {shipmentId} confirmed from {location} while the order is {OrderLifecycle.Name(Status)}; the warehouse had no release for it.",
                now, null, location);
            if (OrderLifecycle.IsTerminal(Status))
            {
                return OrderDecision.Changed;
            }
        }

        var completed = new List<OrderLine>();
        foreach (var shipped in lines)
        {
            if (Line(shipped.LineId) is not { } line)
            {
                RaiseException(OrderExceptionKind.UnexpectedWarehouseEvent,
                    $"Shipment {shipmentId} names line {shipped.LineId}, which this order does not have.", now, shipped.LineId, location);
                continue;
            }

            var remaining = shipped.Quantity;
            remaining -= OrderLine.Take(line.Picked, location, remaining);
            var unpicked = OrderLine.Take(line.Allocated, location, remaining);
            remaining -= unpicked;
            var fromBackorder = ReduceBackorder(line, location, remaining);
            remaining -= fromBackorder;
            ReleaseTaken("shipConfirm", e.Key, line, location, unpicked);
            if (unpicked + fromBackorder > 0)
            {
                PendingPicks.Add(new PickToApply($"{e.EventId}/{line.LineId}", e.Source, occurredAt, line.Sku, location, line.LineId, unpicked + fromBackorder));
            }

            var wasOpen = line.Open > 0;
            line.Shipped += shipped.Quantity - remaining;
            if (wasOpen && line.Open <= 0)
            {
                completed.Add(line);
            }

            if (remaining > 0)
            {
                line.OverShipped += remaining;
                RaiseException(OrderExceptionKind.OverShipment,
                    $"Shipment {shipmentId} shipped {shipped.Quantity} of line {line.LineId} from {location}; {remaining} beyond what the line had open there.",
                    now, line.LineId, location);
            }
        }

        var shipment = new OrderShipment(shipmentId, location, carrier, trackingNumber, occurredAt, [.. lines]);
        Shipments.Add(shipment);
        RecordShippedLines(completed, now);
        Touch(now);
        Settle(now, $"shipment {shipmentId} confirmed from {location}");
        PublishShipment(shipment, $"shipment {shipmentId} confirmed from {location}", now);
        return OrderDecision.Changed;
    }

    public OrderDecision RecordDelivery(string shipmentId, DateTimeOffset deliveredAt, string? proofOfDelivery, DateTimeOffset now)
    {
        var index = Shipments.FindIndex(s => string.Equals(s.ShipmentId, shipmentId, StringComparison.Ordinal));
        if (index < 0 || Shipments[index].DeliveredAt is not null)
        {
            return OrderDecision.Unchanged;
        }

        var shipment = Shipments[index] with { DeliveredAt = deliveredAt, ProofOfDelivery = proofOfDelivery };
        Shipments[index] = shipment;
        foreach (var shipped in shipment.Lines)
        {
            if (Line(shipped.LineId) is { } line)
            {
                line.Delivered = Math.Min(line.Shipped, line.Delivered + shipped.Quantity);
            }
        }

        Touch(now);
        Settle(now, $"shipment {shipmentId} delivered");
        return OrderDecision.Changed;
    }

    public OrderDecision RecordCarrierException(string shipmentId, string milestoneEventId, string? detail, DateTimeOffset occurredAt, DateTimeOffset now)
    {
        if (!Remember($"carrier\u001f{shipmentId}\u001f{milestoneEventId}", now))
        {
            return OrderDecision.Unchanged;
        }

        RaiseException(OrderExceptionKind.CarrierException,
            $"Carrier exception on shipment {shipmentId} at {occurredAt:u}: {detail ?? "no detail given"}.", now);
        return OrderDecision.Changed;
    }

    /// <summary>
    /// The line a warehouse event is about, or null (with an exception raised) when the event cannot apply to this order.
    /// </summary>
    private OrderLine? WarehouseEventTarget(string type, string lineId, string sku, string location, DateTimeOffset now)
    {
        if (Line(lineId) is not { } line || !string.Equals(line.Sku, sku, StringComparison.Ordinal))
        {
            RaiseException(OrderExceptionKind.UnexpectedWarehouseEvent,
                $"A {type} of {sku} at {location} names line {lineId}, which this order does not have for {sku}.", now, lineId, location);
            return null;
        }

        if (OrderLifecycle.IsTerminal(Status) || OrderLifecycle.IsBeforeRelease(Status))
        {
            RaiseException(OrderExceptionKind.UnexpectedWarehouseEvent,
                $"A {type} of {sku} at {location} for line {lineId} while the order is {OrderLifecycle.Name(Status)}; the warehouse had no release for it.",
                now, lineId, location);
            return OrderLifecycle.IsTerminal(Status) ? null : line;
        }

        return line;
    }

    /// <summary>Units an event took out of the line's allocation at a location: the SKU-location is to give them back.</summary>
    private void ReleaseTaken(string kind, string eventKey, OrderLine line, string location, long quantity)
    {
        if (quantity > 0)
        {
            PendingReleases.Add(new AllocationRelease(ReleaseIdFor(OrderId, kind, eventKey, line.LineId), line.Sku, location, quantity));
        }
    }

    /// <summary>The id under which the SKU-location gives back what one warehouse event took from an order's allocation.</summary>
    public static string ReleaseIdFor(string orderId, string kind, string eventKey, string? lineId = null)
        => lineId is null ? $"order:{orderId}/{kind}/{eventKey}" : $"order:{orderId}/{kind}/{eventKey}/{lineId}";

    private void RaiseException(OrderExceptionKind kind, string detail, DateTimeOffset now, string? lineId = null, string? location = null)
    {
        ExceptionCount++;
        var exception = new OrderException(string.Create(CultureInfo.InvariantCulture, $"{OrderId}#{ExceptionCount}"), kind, now, detail, lineId, location);
        Exceptions.Add(exception);
        PublishException(exception, now);
        RecordExceptionKpis(now);
        if (Exceptions.Count > ExceptionLimit)
        {
            Exceptions.RemoveAt(0);
        }

        Touch(now);
    }

    /// <summary>Remembers an event key; false when it was seen already (a duplicate).</summary>
    private bool Remember(string eventKey, DateTimeOffset now)
    {
        if (HasSeen(eventKey))
        {
            return false;
        }

        RecentEventKeys.Add(eventKey);
        if (RecentEventKeys.Count > EventKeyWindow)
        {
            RecentEventKeys.RemoveRange(0, RecentEventKeys.Count - EventKeyWindow);
        }

        Touch(now);
        return true;
    }
}
