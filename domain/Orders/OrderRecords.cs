using System.Text.Json.Serialization;

namespace Grid.Domain.Orders;

/// <summary>What a sales channel submits; a resubmission must match it exactly to be recognised as the same order.</summary>
public sealed record OrderSubmission(
    string OrderId,
    string CustomerId,
    string Channel,
    ShipTo ShipTo,
    bool AllowSplit,
    IReadOnlyList<OrderLineRequest> Lines,
    DateTimeOffset? RequestedDeliveryDate = null);

/// <summary>One line as submitted; <see cref="ReservationIds"/> names reservations the channel holds for its SKU, to become its allocation.</summary>
public sealed record OrderLineRequest(string LineId, string Sku, long Quantity, string? Location = null, IReadOnlyList<string>? ReservationIds = null, bool Preorder = false);

/// <summary>Where the order goes. Only <see cref="Region"/> takes part in sourcing.</summary>
public sealed record ShipTo(
    string Region,
    string? Name = null,
    string? Line1 = null,
    string? Line2 = null,
    string? City = null,
    string? PostalCode = null,
    string? Country = null);

/// <summary>One transition of an order: when, from where to where, and why.</summary>
public sealed record TimelineEntry(DateTimeOffset At, OrderStatus? From, OrderStatus To, string Cause);

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

    /// <summary>A line's backordered units are promised after the order's requested delivery date, or cannot be promised.</summary>
    RequestedDateMissed = 11,
}

/// <summary>Something about an order that a person must look at. <see cref="Reported"/>: handed to the ops list.</summary>
public sealed record OrderException(
    string Id,
    OrderExceptionKind Kind,
    DateTimeOffset At,
    string Detail,
    string? LineId = null,
    string? Location = null,
    bool Reported = false);

/// <summary>A change to the date promised for backordered units, and what caused it (supply delayed, supply earlier).</summary>
public sealed record CommitmentRevision(
    DateTimeOffset At,
    string LineId,
    string Location,
    long Quantity,
    DateTimeOffset? PreviousPromisedDate,
    DateTimeOffset? PromisedDate,
    string Cause);

/// <summary>Units of a line waiting at one location's backorder queue.</summary>
public sealed record Backorder(long Quantity, DateTimeOffset? PromisedDate = null, bool Queued = false);

/// <summary>Stock held at one location for a line, planned in a sourcing round and not yet reserved.</summary>
public sealed record PlannedLeg(string LineId, string Sku, string Location, long Quantity, string ReservationId);

/// <summary>What became of a planned leg: the units the SKU-location granted (and committed) to the order.</summary>
public sealed record LegResult(string ReservationId, long Granted);

/// <summary>
/// Allocated units to give back to a SKU-location (picked, short-picked, shipped, cancelled, a fill no longer wanted);
/// idempotent by <see cref="ReleaseId"/>. The order is the only one to release its allocations, so the SKU-location's
/// figure never drifts from the order's, whatever order the warehouse's events arrive in.
/// </summary>
public sealed record AllocationRelease(string ReleaseId, string Sku, string Location, long Quantity);

/// <summary>A backorder entry to take off a SKU-location's queue.</summary>
public sealed record BackorderWithdrawal(string LineId, string Sku, string Location);

/// <summary>A warehouse event as the order knows it: who sent it, its id, when it happened, and what orders it for its SKU-location.</summary>
public sealed record WarehouseEventRef(string Source, string EventId, DateTimeOffset OccurredAt, long? Sequence = null, string? Reference = null)
{
    /// <summary>The (source, event id) key duplicates are recognised by.</summary>
    public string Key => string.Concat(Source, "\u001f", EventId);
}

public enum StockEffect
{
    Pick = 0,
    ShortPick = 1,
}

/// <summary>
/// Units that left the shelf for (or went missing from) this order: the order tells the SKU-location, stock only, before
/// it gives back the allocation they came from. In that order, the SKU-location's ATP can only dip for a moment, never
/// show stock that is not there.
/// </summary>
public sealed record PickToApply(
    string EventId,
    string Source,
    DateTimeOffset OccurredAt,
    string Sku,
    string Location,
    string LineId,
    long Quantity,
    StockEffect Effect = StockEffect.Pick,
    long? Sequence = null,
    string? Reference = null);

public sealed record ShipmentLine(string LineId, string Sku, long Quantity);

/// <summary>A shipment of this order as the order keeps it; the shipment grain holds its milestones.</summary>
public sealed record OrderShipment(
    string ShipmentId,
    string Location,
    string? Carrier,
    string? TrackingNumber,
    DateTimeOffset ShippedAt,
    IReadOnlyList<ShipmentLine> Lines,
    bool Registered = false,
    DateTimeOffset? DeliveredAt = null,
    string? ProofOfDelivery = null);

public sealed record InvoiceLine(string LineId, long Quantity);

public sealed record Invoice(string InvoiceId, DateTimeOffset PostedAt, IReadOnlyList<InvoiceLine> Lines);

public enum CreditStatus
{
    Active = 0,
    Hold = 1,
}

/// <summary>The answer to a command on an order.</summary>
public enum OrderOutcome
{
    /// <summary>Nothing to change: already done (a replay), or nothing applied.</summary>
    Unchanged = 0,

    Changed = 1,

    /// <summary>Not allowed in the order's current status; <see cref="OrderDecision.Detail"/> names it.</summary>
    Refused = 2,

    /// <summary>The command is malformed; <see cref="OrderDecision.Field"/> names the field.</summary>
    Invalid = 3,

    /// <summary>An id (order, return, invoice) is already used by different content.</summary>
    Conflict = 4,
}

public sealed record OrderDecision(OrderOutcome Outcome, string? Detail = null, string? Field = null)
{
    public static OrderDecision Unchanged { get; } = new(OrderOutcome.Unchanged);

    public static OrderDecision Changed { get; } = new(OrderOutcome.Changed);

    [JsonIgnore]
    public bool IsError => Outcome is OrderOutcome.Refused or OrderOutcome.Invalid or OrderOutcome.Conflict;
}
