using System.Collections.Immutable;
using Grid.Domain;

namespace Grid.Inventory;

/// <summary>Turns a SKU-location's snapshot into the ATP answer for a query, the same way wherever it is asked.</summary>
/// <remarks>On the path of every ATP read: in the common case nothing is allocated but the answer.</remarks>
public static class AvailabilityProjection
{
    public static LocationAvailability ToAvailability(this AvailabilitySnapshot s, AvailabilityQuery query, DateTimeOffset now, TimeSpan staleAfter)
    {
        var raw = AvailableToPromise.Sellable(s.OnHand, s.Damaged, s.Quarantine, s.SafetyStock) - s.Reserved - s.Allocated;

        // The common read (no ring-fences, ATP now, no backorders) allocates nothing here.
        var fencedForOthers = s.RingFences.IsDefaultOrEmpty
            ? 0
            : AvailableToPromise.FencedForOthers(s.RingFences.Select(f => (f.Channel, f.Remaining)), query.Channel);
        var supplyDue = query.SupplyDueBy is null || s.Inbound.IsDefaultOrEmpty
            ? 0
            : AvailableToPromise.SupplyDue(s.Inbound.Select(l => (l.Quantity, l.Eta)), query.SupplyDueBy);

        // Stock held for the backorders waiting here, and for a date the backordered units the supply due goes to first.
        var held = s.BackorderDemand == 0
            ? 0
            : AvailableToPromise.HeldForBackorders(raw, s.RingFences.IsDefaultOrEmpty ? 0 : AvailableToPromise.Fenced(s.RingFences.Select(f => f.Remaining)), s.BackorderDemand);
        var awaitingSupply = query.SupplyDueBy is null ? 0 : AvailableToPromise.AwaitingSupply(s.BackorderDemand, held);

        return new LocationAvailability(
            s.Location,
            AvailableToPromise.For(raw, fencedForOthers, supplyDue, held, awaitingSupply),
            s.OnHand,
            s.Reserved,
            s.Allocated,
            s.SafetyStock,
            s.Damaged,
            s.Quarantine,
            s.Inbound,
            s.AsOf,
            s.LastWarehouseEventAt,
            IsStale(s.LastWarehouseEventAt, now, staleAfter),
            held,
            s.BackorderDemand);
    }

    /// <summary>Stale when the warehouse never reported on this SKU-location, or not within <paramref name="staleAfter"/>.</summary>
    public static bool IsStale(DateTimeOffset? lastWarehouseEventAt, DateTimeOffset now, TimeSpan staleAfter)
        => lastWarehouseEventAt is null || now - lastWarehouseEventAt.Value > staleAfter;

    /// <summary>The durable figures of <paramref name="inventory"/>; empty ring-fences and inbound share one empty array.</summary>
    public static AvailabilitySnapshot ToSnapshot(this SkuLocationInventory inventory) => new(
        inventory.Sku,
        inventory.Location,
        inventory.Version,
        inventory.OnHand,
        inventory.Damaged,
        inventory.Quarantine,
        inventory.SafetyStock,
        inventory.Reserved,
        inventory.Allocated,
        inventory.RingFences.Count == 0
            ? ImmutableArray<RingFenceHold>.Empty
            : [.. inventory.RingFenceHolds().Select(h => new RingFenceHold(h.Channel, h.Fenced, h.Used, h.Remaining))],
        inventory.Inbound.Count == 0
            ? ImmutableArray<InboundSupply>.Empty
            : [.. inventory.Inbound.Select(l => new InboundSupply(l.Reference, l.Quantity, l.Eta))],
        inventory.AsOf,
        inventory.LastWarehouseEventAt,
        inventory.BackorderDemand);

    public static AvailabilitySnapshot Empty(string sku, string location) => new(
        sku, location, 0, 0, 0, 0, 0, 0, 0, ImmutableArray<RingFenceHold>.Empty, ImmutableArray<InboundSupply>.Empty, null, null);
}
