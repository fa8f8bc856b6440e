using System.Collections.Immutable;

namespace Grid.Orders;

[GenerateSerializer, Alias("grid.orders.OrderStatus")]
public enum OrderStatus
{
    Submitted = 0,
    Accepted = 1,
    PartiallyBackordered = 2,
    Backordered = 3,
    OnHold = 4,
    Rejected = 5,
    Released = 6,
    Picking = 7,
    PartiallyShipped = 8,
    Shipped = 9,
    Delivered = 10,
    Invoiced = 11,
    Closed = 12,
    Cancelled = 13,
}

[GenerateSerializer, Immutable, Alias("grid.orders.ShipToAddress")]
public sealed record ShipToAddress(
    [property: Id(0)] string Region,
    [property: Id(1)] string? Name = null,
    [property: Id(2)] string? Line1 = null,
    [property: Id(3)] string? Line2 = null,
    [property: Id(4)] string? City = null,
    [property: Id(5)] string? PostalCode = null,
    [property: Id(6)] string? Country = null);

[GenerateSerializer, Immutable, Alias("grid.orders.OrderLineInput")]
public sealed record OrderLineInput(
    [property: Id(0)] string LineId,
    [property: Id(1)] string Sku,
    [property: Id(2)] long Quantity,
    [property: Id(3)] string? Location = null,
    [property: Id(4)] ImmutableArray<string>? ReservationIds = null,
    [property: Id(5)] bool Preorder = false);

/// <summary>A sales channel's order. Submitting the same order again answers the order as it stands.</summary>
[GenerateSerializer, Immutable, Alias("grid.orders.SubmitOrder")]
public sealed record SubmitOrder(
    [property: Id(0)] string OrderId,
    [property: Id(1)] string CustomerId,
    [property: Id(2)] string Channel,
    [property: Id(3)] ShipToAddress ShipTo,
    [property: Id(4)] bool AllowSplit,
    [property: Id(5)] ImmutableArray<OrderLineInput> Lines,
    [property: Id(6)] DateTimeOffset? RequestedDeliveryDate = null);

[GenerateSerializer, Immutable, Alias("grid.orders.LocationQuantity")]
public sealed record LocationQuantity(
    [property: Id(0)] string Location,
    [property: Id(1)] long Quantity);

[GenerateSerializer, Immutable, Alias("grid.orders.BackorderView")]
public sealed record BackorderView(
    [property: Id(0)] string Location,
    [property: Id(1)] long Quantity,
    [property: Id(2)] DateTimeOffset? PromisedDate);

[GenerateSerializer, Immutable, Alias("grid.orders.OrderLineView")]
public sealed record OrderLineView(
    [property: Id(0)] string LineId,
    [property: Id(1)] string Sku,
    [property: Id(2)] long Quantity,
    [property: Id(3)] string? Location,
    [property: Id(4)] ImmutableArray<LocationQuantity> Allocations,
    [property: Id(5)] ImmutableArray<LocationQuantity> Picked,
    [property: Id(6)] long Backordered,
    [property: Id(7)] DateTimeOffset? PromisedDate,
    [property: Id(8)] ImmutableArray<BackorderView> Backorders,
    [property: Id(9)] long Shipped,
    [property: Id(10)] long Delivered,
    [property: Id(11)] long Cancelled,
    [property: Id(12)] long Invoiced,
    [property: Id(13)] long Unsourced,
    [property: Id(14)] ImmutableArray<string> ReservationIds,
    [property: Id(15)] bool LateForRequestedDate,
    [property: Id(16)] bool Preorder = false);

[GenerateSerializer, Alias("grid.orders.OrderExceptionKind")]
public enum OrderExceptionKind
{
    ShortPick = 0,
    SlaBreach = 1,
    CarrierException = 2,
    OverPick = 3,
    OverShipment = 4,
    UnexpectedWarehouseEvent = 5,
    UnauthorizedReturn = 6,
    ReturnOverReceipt = 7,
    PickedUnitsOnCancel = 8,

    /// <summary>Not an order's: a SKU-location's self-check failed (a bucket below zero, commitments beyond the stock).</summary>
    InvariantViolated = 9,

    /// <summary>Not an order's: a warehouse movement left a SKU-location's on-hand below zero.</summary>
    NegativeOnHand = 10,
    RequestedDateMissed = 11,
}

/// <summary>
/// Something a person must look at: an order's exception (with its order, line and status), or a SKU-location's failed
/// self-check (<see cref="OrderExceptionKind.InvariantViolated"/>, <see cref="OrderExceptionKind.NegativeOnHand"/>:
/// with its <see cref="Sku"/> and <see cref="Location"/>, and no order).
/// </summary>
[GenerateSerializer, Immutable, Alias("grid.orders.OrderExceptionView")]
public sealed record OrderExceptionView(
    [property: Id(0)] string Id,
    [property: Id(1)] string? OrderId,
    [property: Id(2)] OrderExceptionKind Kind,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] string Detail,
    [property: Id(5)] string? LineId,
    [property: Id(6)] string? Location,
    [property: Id(7)] OrderStatus? OrderStatus,
    [property: Id(8)] string? Sku = null);

[GenerateSerializer, Immutable, Alias("grid.orders.TimelineEntryView")]
public sealed record TimelineEntryView(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] OrderStatus? From,
    [property: Id(2)] OrderStatus To,
    [property: Id(3)] string Cause);

/// <summary>A revised commitment: the date promised for backordered units moved (CRM is to be told).</summary>
[GenerateSerializer, Immutable, Alias("grid.orders.CommitmentRevisionView")]
public sealed record CommitmentRevisionView(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string LineId,
    [property: Id(2)] string Location,
    [property: Id(3)] long Quantity,
    [property: Id(4)] DateTimeOffset? PreviousPromisedDate,
    [property: Id(5)] DateTimeOffset? PromisedDate,
    [property: Id(6)] string Cause);

[GenerateSerializer, Immutable, Alias("grid.orders.ShippedLine")]
public sealed record ShippedLine(
    [property: Id(0)] string LineId,
    [property: Id(1)] string Sku,
    [property: Id(2)] long Quantity);

[GenerateSerializer, Immutable, Alias("grid.orders.OrderShipmentView")]
public sealed record OrderShipmentView(
    [property: Id(0)] string ShipmentId,
    [property: Id(1)] string Location,
    [property: Id(2)] string? Carrier,
    [property: Id(3)] string? TrackingNumber,
    [property: Id(4)] DateTimeOffset ShippedAt,
    [property: Id(5)] ImmutableArray<ShippedLine> Lines,
    [property: Id(6)] DateTimeOffset? DeliveredAt);

[GenerateSerializer, Immutable, Alias("grid.orders.InvoiceLineInput")]
public sealed record InvoiceLineInput(
    [property: Id(0)] string LineId,
    [property: Id(1)] long Quantity);

[GenerateSerializer, Immutable, Alias("grid.orders.InvoiceView")]
public sealed record InvoiceView(
    [property: Id(0)] string InvoiceId,
    [property: Id(1)] DateTimeOffset PostedAt,
    [property: Id(2)] ImmutableArray<InvoiceLineInput> Lines);

[GenerateSerializer, Immutable, Alias("grid.orders.OrderView")]
public sealed record OrderView(
    [property: Id(0)] string OrderId,
    [property: Id(1)] OrderStatus Status,
    [property: Id(2)] string CustomerId,
    [property: Id(3)] string Channel,
    [property: Id(4)] ShipToAddress ShipTo,
    [property: Id(5)] bool AllowSplit,
    [property: Id(6)] ImmutableArray<OrderLineView> Lines,
    [property: Id(7)] bool OnHold,
    [property: Id(8)] string? HoldReason,
    [property: Id(9)] string? RejectionReason,
    [property: Id(10)] string? CancellationReason,
    [property: Id(11)] ImmutableArray<OrderExceptionView> Exceptions,
    [property: Id(12)] ImmutableArray<CommitmentRevisionView> Commitments,
    [property: Id(13)] ImmutableArray<OrderShipmentView> Shipments,
    [property: Id(14)] ImmutableArray<InvoiceView> Invoices,
    [property: Id(15)] ImmutableArray<ReturnView> Returns,
    [property: Id(16)] DateTimeOffset SubmittedAt,
    [property: Id(17)] DateTimeOffset StatusSince,
    [property: Id(18)] DateTimeOffset UpdatedAt,
    [property: Id(19)] DateTimeOffset? RequestedDeliveryDate);

[GenerateSerializer, Immutable, Alias("grid.orders.OrderTimelineView")]
public sealed record OrderTimelineView(
    [property: Id(0)] string OrderId,
    [property: Id(1)] OrderStatus Status,
    [property: Id(2)] ImmutableArray<TimelineEntryView> Entries);

[GenerateSerializer, Alias("grid.orders.OrderResultCode")]
public enum OrderResultCode
{
    /// <summary>Done (or done already: a replay answers the same).</summary>
    Ok = 0,

    /// <summary>A new order was submitted.</summary>
    Created = 1,

    NotFound = 2,

    /// <summary>Not allowed in the order's current status; <see cref="OrderResult.Detail"/> names it.</summary>
    Refused = 3,

    /// <summary>Malformed; <see cref="OrderResult.Field"/> names the field.</summary>
    Invalid = 4,

    /// <summary>The id (order, return, invoice) is already used by different content.</summary>
    Conflict = 5,

    /// <summary>A line's reservation cannot be taken over; <see cref="OrderResult.Refusals"/> names each. Nothing was stored.</summary>
    ReservationsRefused = 6,

    /// <summary>A pre-order line was refused (<see cref="OrderResult.PreorderRefusals"/>). Nothing was stored.</summary>
    PreorderRefused = 7,
}

[GenerateSerializer, Immutable, Alias("grid.orders.OrderResult")]
public sealed record OrderResult(
    [property: Id(0)] OrderResultCode Code,
    [property: Id(1)] OrderView? Order,
    [property: Id(2)] string? Detail = null,
    [property: Id(3)] string? Field = null,
    [property: Id(4)] ImmutableArray<CartRefusalView>? Refusals = null,
    [property: Id(5)] ImmutableArray<PreorderRefusalView>? PreorderRefusals = null);

[GenerateSerializer, Immutable, Alias("grid.orders.PostInvoice")]
public sealed record PostInvoice(
    [property: Id(0)] string InvoiceId,
    [property: Id(1)] ImmutableArray<InvoiceLineInput>? Lines,
    [property: Id(2)] DateTimeOffset PostedAt);
