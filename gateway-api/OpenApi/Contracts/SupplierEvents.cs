using System.Text.Json.Serialization;

namespace Grid.Gateway.OpenApi.Contracts;

// The supplier events as the OpenAPI document describes them: one type per value of "type", each with the fields
// SupplierEventsApi.ToMovementsAsync requires of it. These types only describe the contract; the endpoint still reads
// each item as a SupplierEventItem and validates it itself.

/// <summary>A supplier event; <c>type</c> says which, and which fields it carries.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(PoAcknowledgedEvent), "poAcknowledged")]
[JsonDerivedType(typeof(AsnEvent), "asn")]
[JsonDerivedType(typeof(DelayEvent), "delay")]
public abstract record SupplierEvent
{
    /// <summary>The event's id, unique per source: an event is applied at most once per (source, eventId).</summary>
    public required string EventId { get; init; }

    /// <summary>The system that sent the event.</summary>
    public required string Source { get; init; }

    /// <summary>When the supplier sent it.</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>The source's own sequence number, zero or more; older events are ignored.</summary>
    public long? Sequence { get; init; }
}

/// <summary>The supplier acknowledged a purchase order: its lines are inbound supply.</summary>
public sealed record PoAcknowledgedEvent : SupplierEvent
{
    public required string PoId { get; init; }

    /// <summary>At least one line, each SKU-location once.</summary>
    public required IReadOnlyList<SupplyLine> Lines { get; init; }
}

/// <summary>An advance shipping notice: its lines are inbound supply, replacing the PO's.</summary>
public sealed record AsnEvent : SupplierEvent
{
    public required string AsnId { get; init; }

    public required string PoId { get; init; }

    /// <summary>At least one line, each SKU-location once.</summary>
    public required IReadOnlyList<SupplyLine> Lines { get; init; }
}

/// <summary>
/// A PO or ASN is late: its supply moves to the new ETA. Names the <c>poId</c> or the <c>asnId</c> (at least one);
/// without lines, every SKU-location Grid knows it supplies is delayed.
/// </summary>
public sealed record DelayEvent : SupplierEvent
{
    public string? PoId { get; init; }

    public string? AsnId { get; init; }

    public required DateTimeOffset NewEta { get; init; }

    /// <summary>The SKU-locations delayed, each once; all of them when left out.</summary>
    public IReadOnlyList<DelayedLine>? Lines { get; init; }
}

/// <summary>Units expected at one SKU-location.</summary>
public sealed record SupplyLine
{
    public required string Sku { get; init; }

    public required string Location { get; init; }

    /// <summary>Units expected, greater than zero.</summary>
    public required long Quantity { get; init; }

    /// <summary>When they are expected.</summary>
    public required DateTimeOffset Eta { get; init; }
}

/// <summary>A SKU-location whose supply is delayed.</summary>
public sealed record DelayedLine
{
    public required string Sku { get; init; }

    public required string Location { get; init; }
}

/// <summary>A batch of supplier events, each validated and answered on its own.</summary>
public sealed record SupplierEventBatch
{
    /// <summary>Up to 1,000 events.</summary>
    public required IReadOnlyList<SupplierEvent> Events { get; init; }
}
