namespace Grid.Inventory;

/// <summary>The warehouse and supplier movements a SKU-location applies.</summary>
[GenerateSerializer, Alias("grid.inventory.MovementType")]
public enum MovementType
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
/// One warehouse or supplier event as it applies to one SKU-location. <see cref="Quantity"/> is signed for an
/// adjustment, the counted quantity for a cycle count and the missing quantity for a short pick.
/// </summary>
[GenerateSerializer, Immutable, Alias("grid.inventory.WarehouseMovement")]
public sealed record WarehouseMovement(
    [property: Id(0)] string EventId,
    [property: Id(1)] string Source,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] MovementType Type,
    [property: Id(4)] long Quantity,
    [property: Id(5)] long? Sequence = null,
    [property: Id(6)] string? Reference = null,
    [property: Id(7)] string? Reason = null,
    [property: Id(8)] string? OrderId = null,
    [property: Id(9)] string? LineId = null,
    [property: Id(10)] DateTimeOffset? Eta = null);

[GenerateSerializer, Alias("grid.inventory.MovementOutcomeCode")]
public enum MovementOutcomeCode
{
    Applied = 0,

    /// <summary>Already applied (same source and event id): nothing changed.</summary>
    Duplicate = 1,

    /// <summary>Superseded by a newer event (an older cycle count, an out-of-date sequence): nothing changed.</summary>
    Superseded = 2,

    /// <summary>Refused as malformed; <see cref="MovementOutcome.Detail"/> says why.</summary>
    Rejected = 3,
}

[GenerateSerializer, Immutable, Alias("grid.inventory.MovementOutcome")]
public sealed record MovementOutcome(
    [property: Id(0)] string EventId,
    [property: Id(1)] MovementOutcomeCode Code,
    [property: Id(2)] bool Flagged = false,
    [property: Id(3)] string? Detail = null);

/// <summary>
/// A movement on its way through an inventory stream partition, with the SKU-location (<c>SKU@LOCATION</c>) it applies
/// to and when the gateway accepted it (for <c>grid.warehouse.event_to_atp</c>; absent in messages queued before it was
/// added).
/// </summary>
[GenerateSerializer, Immutable, Alias("grid.inventory.QueuedMovement")]
public sealed record QueuedMovement(
    [property: Id(0)] string SkuLocation,
    [property: Id(1)] WarehouseMovement Movement,
    [property: Id(2)] DateTimeOffset? AcceptedAt = null);

/// <summary>
/// Where a queued event sat in its durable queue (queuing transaction, message, index in the message). Queues deliver
/// in this order, so a SKU-location that keeps the last position it applied recognises a redelivery.
/// </summary>
[GenerateSerializer, Immutable, Alias("grid.inventory.QueueMark")]
public readonly record struct QueueMark(
    [property: Id(0)] long Transaction,
    [property: Id(1)] long Message,
    [property: Id(2)] int Index);

/// <summary>A movement delivered from a queue: applied at most once by its position (when the queue gives one) and by its event id.</summary>
[GenerateSerializer, Immutable, Alias("grid.inventory.DeliveredMovement")]
public sealed record DeliveredMovement(
    [property: Id(0)] WarehouseMovement Movement,
    [property: Id(1)] QueueMark? Mark,
    [property: Id(2)] DateTimeOffset? AcceptedAt = null);
