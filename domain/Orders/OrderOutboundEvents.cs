using Grid.Domain.Outbound;

namespace Grid.Domain.Orders;

/// <summary>Data of the <c>grid.order.*.v1</c> events: the order as it stands after the change, and what changed.</summary>
public sealed record OrderEventData(
    string OrderId,
    string CustomerId,
    string Channel,
    string Status,
    string? PreviousStatus,
    string Cause,
    IReadOnlyList<OrderLineEventData> Lines,
    DateTimeOffset UpdatedAt,
    string? HoldReason = null,
    string? CancellationReason = null,
    string? RejectionReason = null,
    ShipmentEventData? Shipment = null);

public sealed record LocationQuantityData(string Location, long Quantity);

public sealed record BackorderEventData(string Location, long Quantity, DateTimeOffset? PromisedDate);

public sealed record OrderLineEventData(
    string LineId,
    string Sku,
    long Quantity,
    IReadOnlyList<LocationQuantityData> Allocated,
    IReadOnlyList<BackorderEventData> Backordered,
    long Shipped,
    long Delivered,
    long Cancelled);

public sealed record ShipmentEventData(string ShipmentId, string Location, string? Carrier, string? TrackingNumber, DateTimeOffset ShippedAt, IReadOnlyList<ShippedLineData> Lines);

public sealed record ShippedLineData(string LineId, string Sku, long Quantity);

/// <summary>Data of <c>grid.order.exception.v1</c>.</summary>
public sealed record OrderExceptionEventData(string OrderId, string ExceptionId, string Kind, string Detail, DateTimeOffset At, string Status, string? LineId, string? Location);

/// <summary>Data of <c>grid.commitment.revised.v1</c>.</summary>
public sealed record CommitmentRevisedEventData(
    string OrderId, string CustomerId, string LineId, string Sku, string Location, long Quantity,
    DateTimeOffset? PreviousPromisedDate, DateTimeOffset? PromisedDate, string Cause, DateTimeOffset At);

/// <summary>Data of <c>grid.return.received.v1</c>.</summary>
public sealed record ReturnReceivedEventData(
    string OrderId, string CustomerId, string ReturnId, string Sku, string Location, long Quantity, string Disposition,
    DateTimeOffset ReceivedAt, string ReturnStatus, bool CreditMemoDue, long CreditMemoQuantity);

/// <summary>How an order records its outbound events: the helpers <see cref="Order"/> calls where its state changes.</summary>
public sealed partial class Order
{
    internal static string StatusName(OrderStatus status) => OrderLifecycle.Name(status);

    private void Publish<T>(OutboundEventType type, T data, DateTimeOffset now) => Outbox.Add(type, OutboundSubjects.Order(OrderId), now, data);

    private OrderEventData StatusData(OrderStatus? from, string cause, ShipmentEventData? shipment = null) => new(
        OrderId, CustomerId, Channel, StatusName(Status), from is { } f ? StatusName(f) : null, cause,
        [.. Lines.Select(l => new OrderLineEventData(
            l.LineId, l.Sku, l.Quantity,
            [.. l.Allocated.Where(a => a.Value > 0).Select(a => new LocationQuantityData(a.Key, a.Value))],
            [.. l.Backorders.Select(b => new BackorderEventData(b.Key, b.Value.Quantity, b.Value.PromisedDate))],
            l.Shipped, l.Delivered, l.Cancelled))],
        UpdatedAt,
        HoldReason: Status == OrderStatus.OnHold ? CreditHoldReason : null,
        CancellationReason: CancellationReason,
        RejectionReason: RejectionReason,
        Shipment: shipment);

    /// <summary>The event a transition into <paramref name="to"/> publishes, if any (shipments publish their own).</summary>
    private static OutboundEventType? TransitionEvent(OrderStatus to) => to switch
    {
        OrderStatus.Accepted => OutboundEventTypes.OrderAccepted,
        OrderStatus.PartiallyBackordered or OrderStatus.Backordered => OutboundEventTypes.OrderBackordered,
        OrderStatus.OnHold => OutboundEventTypes.OrderOnHold,
        OrderStatus.Released => OutboundEventTypes.OrderReleased,
        OrderStatus.Delivered => OutboundEventTypes.OrderDelivered,
        OrderStatus.Cancelled => OutboundEventTypes.OrderCancelled,
        OrderStatus.Rejected => OutboundEventTypes.OrderRejected,
        _ => null,
    };

    private void PublishTransition(OrderStatus? from, OrderStatus to, string cause, DateTimeOffset now)
    {
        if (TransitionEvent(to) is { } type)
        {
            Publish(type, StatusData(from, cause), now);
        }
    }

    private void PublishShipment(OrderShipment shipment, string cause, DateTimeOffset now)
        => Publish(OutboundEventTypes.OrderShipped, StatusData(null, cause, new ShipmentEventData(
            shipment.ShipmentId, shipment.Location, shipment.Carrier, shipment.TrackingNumber, shipment.ShippedAt,
            [.. shipment.Lines.Select(l => new ShippedLineData(l.LineId, l.Sku, l.Quantity))])), now);

    private void PublishException(OrderException exception, DateTimeOffset now)
        => Publish(OutboundEventTypes.OrderException, new OrderExceptionEventData(
            OrderId, exception.Id, char.ToLowerInvariant(exception.Kind.ToString()[0]) + exception.Kind.ToString()[1..], exception.Detail, exception.At,
            StatusName(Status), exception.LineId, exception.Location), now);

    private void ReviseCommitment(CommitmentRevision revision, DateTimeOffset now)
    {
        Commitments.Add(revision);
        Publish(OutboundEventTypes.CommitmentRevised, new CommitmentRevisedEventData(
            OrderId, CustomerId, revision.LineId, Line(revision.LineId)?.Sku ?? "", revision.Location, revision.Quantity,
            revision.PreviousPromisedDate, revision.PromisedDate, revision.Cause, revision.At), now);
    }
}
