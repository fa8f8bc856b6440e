using System.Text.Json.Serialization;

namespace Grid.Gateway.OpenApi.Contracts;

// The warehouse events as the OpenAPI document describes them: one type per value of "type", each with the fields
// WarehouseEventsApi.ToEvents requires of it. These types only describe the contract; the endpoint still reads each item
// as a WarehouseEventItem and validates it itself.

/// <summary>A warehouse (WMS) event; <c>type</c> says which, and which fields it carries.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ReceiptEvent), "receipt")]
[JsonDerivedType(typeof(AdjustmentEvent), "adjustment")]
[JsonDerivedType(typeof(CycleCountEvent), "cycleCount")]
[JsonDerivedType(typeof(DamageEvent), "damage")]
[JsonDerivedType(typeof(QuarantineEvent), "quarantine")]
[JsonDerivedType(typeof(ReleaseQuarantineEvent), "releaseQuarantine")]
[JsonDerivedType(typeof(TransferOutEvent), "transferOut")]
[JsonDerivedType(typeof(TransferInEvent), "transferIn")]
[JsonDerivedType(typeof(PickEvent), "pick")]
[JsonDerivedType(typeof(ShortPickEvent), "shortPick")]
[JsonDerivedType(typeof(ShipConfirmEvent), "shipConfirm")]
[JsonDerivedType(typeof(ReturnReceivedEvent), "returnReceived")]
public abstract record WarehouseEvent
{
    /// <summary>The event's id, unique per source: an event is applied at most once per (source, eventId).</summary>
    public required string EventId { get; init; }

    /// <summary>The system that sent the event (a WMS instance).</summary>
    public required string Source { get; init; }

    /// <summary>When it happened in the warehouse.</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>The source's own sequence number for the SKU-location, zero or more; older events are ignored.</summary>
    public long? Sequence { get; init; }
}

/// <summary>An event that moves stock at one SKU-location.</summary>
public abstract record StockEvent : WarehouseEvent
{
    public required string Sku { get; init; }

    public required string Location { get; init; }

    /// <summary>The document it belongs to (receipt note, transfer order, ...).</summary>
    public string? Reference { get; init; }

    public string? Reason { get; init; }
}

/// <summary>A movement of a quantity, greater than zero, of units.</summary>
public abstract record QuantityEvent : StockEvent
{
    /// <summary>Units moved, greater than zero.</summary>
    public required long Quantity { get; init; }
}

/// <summary>Units received onto stock on hand.</summary>
public sealed record ReceiptEvent : QuantityEvent;

/// <summary>Units found damaged, taken off stock on hand.</summary>
public sealed record DamageEvent : QuantityEvent;

/// <summary>Units moved from stock on hand into quarantine.</summary>
public sealed record QuarantineEvent : QuantityEvent;

/// <summary>Units released from quarantine back onto stock on hand.</summary>
public sealed record ReleaseQuarantineEvent : QuantityEvent;

/// <summary>Units sent to another location.</summary>
public sealed record TransferOutEvent : QuantityEvent;

/// <summary>Units arrived from another location.</summary>
public sealed record TransferInEvent : QuantityEvent;

/// <summary>A correction of stock on hand.</summary>
public sealed record AdjustmentEvent : StockEvent
{
    /// <summary>Units added (positive) or removed (negative); never zero.</summary>
    public required long Quantity { get; init; }
}

/// <summary>A count: stock on hand becomes the counted quantity.</summary>
public sealed record CycleCountEvent : StockEvent
{
    /// <summary>Units counted, zero or more.</summary>
    public required long CountedQuantity { get; init; }
}

/// <summary>Units of an order line picked; the order takes them off stock on hand.</summary>
public sealed record PickEvent : QuantityEvent
{
    public required string OrderId { get; init; }

    public required string LineId { get; init; }
}

/// <summary>Units of an order line the picker could not find.</summary>
public sealed record ShortPickEvent : StockEvent
{
    public required string OrderId { get; init; }

    public required string LineId { get; init; }

    /// <summary>Units missing, greater than zero.</summary>
    public required long MissingQuantity { get; init; }
}

/// <summary>Returned units received against a return authorization.</summary>
public sealed record ReturnReceivedEvent : QuantityEvent
{
    public required string ReturnId { get; init; }

    public required string OrderId { get; init; }

    /// <summary>Restock puts the units on hand, quarantine into quarantine, scrap nowhere.</summary>
    public required ReturnedUnitsDisposition Disposition { get; init; }
}

/// <summary>What becomes of returned units.</summary>
public enum ReturnedUnitsDisposition
{
    Restock,
    Quarantine,
    Scrap,
}

/// <summary>A shipment of an order left the location (it moves no stock: the picks did).</summary>
public sealed record ShipConfirmEvent : WarehouseEvent
{
    public required string ShipmentId { get; init; }

    public required string OrderId { get; init; }

    public required string Location { get; init; }

    /// <summary>The carrier, up to 128 characters.</summary>
    public string? Carrier { get; init; }

    public string? TrackingNumber { get; init; }

    /// <summary>The lines shipped, at least one.</summary>
    public required IReadOnlyList<ShipConfirmLine> Lines { get; init; }
}

/// <summary>Units of one order line in a shipment.</summary>
public sealed record ShipConfirmLine
{
    public required string LineId { get; init; }

    public required string Sku { get; init; }

    /// <summary>Units shipped, greater than zero.</summary>
    public required long Quantity { get; init; }
}

/// <summary>A batch of warehouse events, each validated and answered on its own.</summary>
public sealed record WarehouseEventBatch
{
    /// <summary>Up to 1,000 events.</summary>
    public required IReadOnlyList<WarehouseEvent> Events { get; init; }
}
