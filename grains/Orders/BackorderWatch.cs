using Grid.Domain;
using Grid.Inventory;

namespace Grid.Orders;

/// <summary>When a SKU-location with backorders waiting tells its backorder queue to look again.</summary>
internal static class BackorderWatch
{
    /// <summary>More is available to promise now than before the write, or the inbound supply changed (new, delayed, received).</summary>
    public static bool StockOrSupplyGrew(AvailabilitySnapshot before, AvailabilitySnapshot after)
        => Raw(after) > Raw(before) || !before.Inbound.SequenceEqual(after.Inbound);

    private static long Raw(AvailabilitySnapshot s) => AvailableToPromise.Sellable(s.OnHand, s.Damaged, s.Quarantine, s.SafetyStock) - s.Reserved - s.Allocated;
}
