using System.Text.Json.Serialization;

namespace Grid.Domain;

public enum MovementKind
{
    Receipt = 0,
    Adjustment = 1,
    CycleCount = 2,
    Damage = 3,
    Quarantine = 4,
    ReleaseQuarantine = 5,
    TransferOut = 6,
    TransferIn = 7,
    Pick = 8,
    ShortPick = 9,
    ReturnToStock = 10,
    ReturnToQuarantine = 11,
    InboundExpected = 20,
    InboundDelayed = 21,
}

/// <summary>
/// A warehouse or supplier event as it applies to one SKU-location. <see cref="Quantity"/> is signed for an adjustment,
/// the counted quantity for a cycle count, the missing quantity for a short pick and the expected quantity for
/// inbound supply. For inbound supply <see cref="Reference"/> names the supply line (PO or ASN) and
/// <see cref="OrderId"/> the purchase order an ASN ships against.
/// </summary>
public sealed record Movement(
    string EventId,
    string Source,
    DateTimeOffset OccurredAt,
    MovementKind Kind,
    long Quantity,
    long? Sequence = null,
    string? Reference = null,
    string? Reason = null,
    string? OrderId = null,
    string? LineId = null,
    DateTimeOffset? Eta = null);

public enum MovementResult
{
    Applied = 0,
    Duplicate = 1,
    Superseded = 2,
    Rejected = 3,
}

public sealed record MovementDecision(string EventId, MovementResult Result, bool Flagged = false, string? Detail = null);

/// <summary>A movement as applied, kept (the last few) to explain the figures.</summary>
/// <remarks><see cref="Source"/> is interned: a grid hears from a handful of sources, and keeps a record per SKU-location.</remarks>
public sealed record MovementRecord(
    MovementKind Kind,
    long Quantity,
    string Source,
    string EventId,
    DateTimeOffset OccurredAt,
    DateTimeOffset AppliedAt,
    long OnHandAfter,
    string? Reference,
    bool Flagged)
{
    public string Source { get; init; } = string.Intern(Source);
}

public sealed record InboundLine(string Reference, long Quantity, DateTimeOffset Eta, string? PurchaseOrderId = null);

/// <summary>Units allocated to an order; <see cref="QuotaHeld"/> of them count against the product allocation quota <see cref="Quota"/>.</summary>
public sealed record Allocation(
    string OrderId,
    long Quantity,
    string? Channel,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Quota = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] long QuotaHeld = 0);

public sealed record Violation(DateTimeOffset At, string Rule, string Detail, string? EventId = null);
