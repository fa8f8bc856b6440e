using System.Collections.Immutable;
using Orleans.Concurrency;

namespace Grid.Inventory;

/// <summary>
/// Live inventory of one SKU at one location, keyed <c>SKU@LOCATION</c>: its buckets, ATP, reservations,
/// allocations and inbound supply. Every change is durable before it is acknowledged.
/// </summary>
[Alias("grid.inventory.IInventoryGrain")]
public interface IInventoryGrain : IGrainWithStringKey
{
    /// <summary>ATP from memory, as of the last durable change. Never waits behind a write in progress.</summary>
    [AlwaysInterleave, Alias("GetAvailability")]
    Task<LocationAvailability> GetAvailability(AvailabilityQuery query);

    /// <summary>The figures as of the last durable change, for the SKU grain to compute network ATP from.</summary>
    [AlwaysInterleave, Alias("GetSnapshot")]
    Task<AvailabilitySnapshot> GetSnapshot();

    [ReadOnly, Alias("GetDetail")]
    Task<InventoryDetail> GetDetail();

    /// <summary>Holds stock for a channel, all or nothing unless partial is allowed; idempotent by reservation id.</summary>
    [Alias("Reserve")]
    Task<ReservationResult> Reserve(ReserveStock command);

    [ReadOnly, Alias("GetReservation")]
    Task<ReservationResult> GetReservation(string reservationId);

    /// <summary>Turns an active reservation into an allocation for its order.</summary>
    [Alias("Commit")]
    Task<ReservationResult> Commit(string reservationId, string? orderId);

    /// <summary>Gives the stock of an active reservation back to ATP. Releasing twice answers the same.</summary>
    [Alias("Release")]
    Task<ReservationResult> Release(string reservationId);

    /// <summary>Moves the expiry of an active reservation to now + ttl (capped by the maximum TTL).</summary>
    [Alias("Extend")]
    Task<ReservationResult> Extend(string reservationId, int ttlSeconds);

    /// <summary>Sets safety stock and ring-fences; a malformed policy is refused with the field at fault and changes nothing.</summary>
    [Alias("SetPolicy")]
    Task<PolicyResult> SetPolicy(InventoryPolicy policy);

    /// <summary>Expires the reservations that are due (the expiry sweep wakes a SKU-location with this).</summary>
    [Alias("SweepExpired")]
    Task SweepExpired();

    /// <summary>
    /// Gives back units allocated to an order (a cancellation, a fill it no longer wants), at most once per
    /// <paramref name="releaseId"/>; answers the units released.
    /// </summary>
    [Alias("ReleaseAllocation")]
    Task<long> ReleaseAllocation(string orderId, long quantity, string releaseId);

    /// <summary>
    /// How many units the backorders waiting at this SKU-location wait for (zero: none wait). While any wait, its
    /// backorder queue is told when stock or supply grows, free stock up to that many units is held for them in the
    /// same step that brings it (only reservations with <see cref="ReserveStock.ForBackorders"/> take it), and ATP for
    /// a date is net of them.
    /// </summary>
    [Alias("WatchBackorderDemand")]
    Task WatchBackorders(long demand);

    /// <summary>Whether reservations here ask the SKU's product allocation for quota first (it says so when a policy is set).</summary>
    [Alias("ControlByQuota")]
    Task ControlByQuota(bool controlled);

    /// <summary>Applies warehouse and supplier movements in order, each at most once per (source, event id).</summary>
    [Alias("ApplyMovements")]
    Task<ImmutableArray<MovementOutcome>> ApplyMovements(ImmutableArray<WarehouseMovement> movements);

    /// <summary>
    /// Applies movements delivered from its stream partition, in order; completes once their effect is durable, which
    /// is when the queue may forget them. A redelivery (a position at or before the last one applied) changes nothing.
    /// </summary>
    [Alias("ApplyDelivered")]
    Task ApplyDelivered(ImmutableArray<DeliveredMovement> movements);
}
