using System.Collections.Immutable;

namespace Grid.Inventory;

/// <summary>Policy owned by ERP or planning: stock held back from ATP, and quantities fenced for channels.</summary>
[GenerateSerializer, Immutable, Alias("grid.inventory.InventoryPolicy")]
public sealed record InventoryPolicy(
    [property: Id(0)] long SafetyStock,
    [property: Id(1)] ImmutableDictionary<string, long> RingFences);

/// <summary>
/// What setting a policy came to: the SKU-location's availability under it, or, when the policy is malformed, the field
/// at fault and why (nothing is changed then).
/// </summary>
[GenerateSerializer, Immutable, Alias("grid.inventory.PolicyResult")]
public sealed record PolicyResult(
    [property: Id(0)] LocationAvailability? Availability,
    [property: Id(1)] string? Field = null,
    [property: Id(2)] string? Problem = null)
{
    public bool Accepted => Problem is null;
}

[GenerateSerializer, Immutable, Alias("grid.inventory.OrderAllocation")]
public sealed record OrderAllocation(
    [property: Id(0)] string OrderId,
    [property: Id(1)] long Quantity,
    [property: Id(2)] string? Channel);

[GenerateSerializer, Immutable, Alias("grid.inventory.AppliedMovement")]
public sealed record AppliedMovement(
    [property: Id(0)] MovementType Type,
    [property: Id(1)] long Quantity,
    [property: Id(2)] string Source,
    [property: Id(3)] string EventId,
    [property: Id(4)] DateTimeOffset OccurredAt,
    [property: Id(5)] DateTimeOffset AppliedAt,
    [property: Id(6)] long OnHandAfter,
    [property: Id(7)] string? Reference,
    [property: Id(8)] bool Flagged);

[GenerateSerializer, Immutable, Alias("grid.inventory.InvariantViolation")]
public sealed record InvariantViolation(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Rule,
    [property: Id(2)] string Detail,
    [property: Id(3)] string? EventId);

/// <summary>The one-call answer to "why is ATP what it is?" for a SKU-location.</summary>
[GenerateSerializer, Immutable, Alias("grid.inventory.InventoryDetail")]
public sealed record InventoryDetail(
    [property: Id(0)] string Sku,
    [property: Id(1)] string Location,
    [property: Id(2)] long Available,
    [property: Id(3)] long AvailableRaw,
    [property: Id(4)] long OnHand,
    [property: Id(5)] long Damaged,
    [property: Id(6)] long Quarantine,
    [property: Id(7)] long SafetyStock,
    [property: Id(8)] long Sellable,
    [property: Id(9)] long Reserved,
    [property: Id(10)] long Allocated,
    [property: Id(11)] ImmutableArray<RingFenceHold> RingFences,
    [property: Id(12)] ImmutableArray<ReservationView> Reservations,
    [property: Id(13)] ImmutableArray<OrderAllocation> Allocations,
    [property: Id(14)] ImmutableArray<InboundSupply> Inbound,
    [property: Id(15)] ImmutableArray<AppliedMovement> RecentMovements,
    [property: Id(16)] ImmutableArray<InvariantViolation> InvariantViolations,
    [property: Id(17)] DateTimeOffset? AsOf,
    [property: Id(18)] DateTimeOffset? LastWarehouseEventAt,
    [property: Id(19)] bool Stale,
    [property: Id(20)] long HeldForBackorders = 0,
    [property: Id(21)] long BackorderDemand = 0);
