namespace Grid.Domain.Outbound;

/// <summary>
/// Data of <c>grid.reservation.expired.v1</c>, <c>.released.v1</c> and <c>.committed.v1</c>: the reservation as it
/// closed, and what its channel may promise at the SKU-location after it.
/// </summary>
public sealed record ReservationEventData(
    string Sku,
    string Location,
    string ReservationId,
    string Channel,
    long Quantity,
    string State,
    string? OrderId,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset ClosedAt,
    long AvailableToChannel);

/// <summary>
/// Data of <c>grid.inventory.invariant-violated.v1</c> and <c>grid.inventory.negative-on-hand.v1</c>: the check that
/// failed, the warehouse event that caused it (if one did) and the buckets right after.
/// </summary>
public sealed record InventoryCheckEventData(
    string Sku,
    string Location,
    string Rule,
    string Detail,
    string? EventId,
    DateTimeOffset DetectedAt,
    long OnHand,
    long Damaged,
    long Quarantine,
    long Reserved,
    long Allocated);
