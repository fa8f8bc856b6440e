namespace Grid.Inventory;

[GenerateSerializer, Alias("grid.inventory.ReservationStatus")]
public enum ReservationStatus
{
    Active = 0,
    Committed = 1,
    Released = 2,
    Expired = 3,
}

/// <summary>A soft hold on stock at one SKU-location, made by a sales channel.</summary>
[GenerateSerializer, Immutable, Alias("grid.inventory.ReserveStock")]
public sealed record ReserveStock(
    [property: Id(0)] string ReservationId,
    [property: Id(1)] string Channel,
    [property: Id(2)] long Quantity,
    [property: Id(3)] int? TtlSeconds = null,
    [property: Id(4)] bool AllowPartial = false,
    [property: Id(5)] string? OrderId = null,
    [property: Id(6)] bool ForBackorders = false,
    [property: Id(7)] string? CustomerId = null);

[GenerateSerializer, Immutable, Alias("grid.inventory.ReservationView")]
public sealed record ReservationView(
    [property: Id(0)] string ReservationId,
    [property: Id(1)] string Sku,
    [property: Id(2)] string Location,
    [property: Id(3)] ReservationStatus Status,
    [property: Id(4)] long Quantity,
    [property: Id(5)] long RequestedQuantity,
    [property: Id(6)] string Channel,
    [property: Id(7)] string? OrderId,
    [property: Id(8)] DateTimeOffset CreatedAt,
    [property: Id(9)] DateTimeOffset ExpiresAt,
    [property: Id(10)] DateTimeOffset? ClosedAt);

[GenerateSerializer, Alias("grid.inventory.ReservationResultCode")]
public enum ReservationResultCode
{
    /// <summary>The command took effect (or had already taken effect: replays answer the same).</summary>
    Ok = 0,

    /// <summary>A new reservation was granted.</summary>
    Created = 1,

    /// <summary>Not enough available to promise; nothing was held.</summary>
    InsufficientStock = 2,

    /// <summary>The reservation id is taken by a different request.</summary>
    IdConflict = 3,

    /// <summary>No reservation with that id at this SKU-location.</summary>
    NotFound = 4,

    /// <summary>The reservation is no longer active (committed, released or expired), so the command cannot apply.</summary>
    NotActive = 5,

    /// <summary>The command itself is malformed (names the field in <see cref="ReservationResult.Detail"/>).</summary>
    Invalid = 6,

    /// <summary>The product allocation quota of the channel or customer group is used up (<see cref="ReservationResult.Quota"/>); nothing was held.</summary>
    QuotaExhausted = 7,
}

[GenerateSerializer, Immutable, Alias("grid.inventory.ReservationResult")]
public sealed record ReservationResult(
    [property: Id(0)] ReservationResultCode Code,
    [property: Id(1)] ReservationView? Reservation,
    [property: Id(2)] long Available,
    [property: Id(3)] string? Detail = null,
    [property: Id(4)] string? Field = null,
    [property: Id(5)] QuotaLeft? Quota = null);
