using System.Text.Json.Serialization;

namespace Grid.Domain;

public enum ReservationState
{
    Active = 0,
    Committed = 1,
    Released = 2,
    Expired = 3,
}

/// <summary>A request to hold stock, as the reservation id's owner sent it; replays must match it exactly.</summary>
public sealed record ReserveRequest(
    string ReservationId,
    string Channel,
    long Quantity,
    int? TtlSeconds = null,
    bool AllowPartial = false,
    string? OrderId = null,
    bool ForBackorders = false,
    QuotaTicket? Quota = null);

/// <summary>Quota its product allocation granted a reservation about to be made: at most <see cref="Granted"/> units, counted under <see cref="Key"/>.</summary>
public sealed record QuotaTicket(string GrantId, string Key, long Granted);

/// <summary>A hold on stock at one SKU-location. Immutable: every transition makes a new value.</summary>
public sealed record Reservation(
    string Id,
    string Channel,
    long RequestedQuantity,
    long Quantity,
    bool AllowPartial,
    int? TtlSeconds,
    string? OrderId,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    ReservationState State = ReservationState.Active,
    DateTimeOffset? ClosedAt = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Quota = null)
{
    [JsonIgnore]
    public bool IsActive => State == ReservationState.Active;

    /// <summary>True when <paramref name="request"/> is the request that created this reservation, sent again.</summary>
    public bool IsSameRequestAs(ReserveRequest request)
        => request.Quantity == RequestedQuantity
        && request.AllowPartial == AllowPartial
        && request.TtlSeconds == TtlSeconds
        && string.Equals(request.Channel, Channel, StringComparison.Ordinal)
        && string.Equals(request.OrderId, OrderId, StringComparison.Ordinal);
}

public enum DecisionCode
{
    Ok = 0,
    Created = 1,
    InsufficientStock = 2,
    IdConflict = 3,
    NotFound = 4,
    NotActive = 5,
    Invalid = 6,
    QuotaExhausted = 7,
}

/// <summary>The answer to a reservation command: what happened, the reservation as it now stands, and ATP for its channel.</summary>
public sealed record ReservationDecision(
    DecisionCode Code,
    Reservation? Reservation,
    long Available,
    string? Detail = null,
    string? Field = null)
{
    /// <summary>True when the command changed state (and so must be persisted before it is acknowledged).</summary>
    public bool Changed { get; init; }
}
