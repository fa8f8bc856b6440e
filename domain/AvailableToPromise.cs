namespace Grid.Domain;

/// <summary>The ATP arithmetic of DESIGN §3, in one place for the SKU-location and the network view.</summary>
public static class AvailableToPromise
{
    /// <summary>On hand that may be promised at all: on hand less damaged, quarantined and safety stock.</summary>
    public static long Sellable(long onHand, long damaged, long quarantine, long safetyStock)
        => onHand - damaged - quarantine - safetyStock;

    /// <summary>
    /// ATP for a channel: what is sellable and not yet reserved or allocated, less what other channels still have
    /// ring-fenced, plus supply due by the asked date. Never below zero; the raw figure stays available for diagnostics.
    /// </summary>
    /// <param name="raw">Sellable less reserved and allocated (may be negative after a physical loss).</param>
    /// <param name="fencedForOthers">Ring-fenced quantity still held for channels other than the asking one.</param>
    /// <param name="supplyDue">Inbound supply with an ETA on or before the asked date (zero for ATP now).</param>
    /// <param name="heldForBackorders">Stock held for the backorders waiting here (see <see cref="HeldForBackorders"/>).</param>
    /// <param name="awaitingSupply">
    /// Backordered units that stock does not cover yet: the queue is first in line for any supply that arrives, so ATP
    /// for a date subtracts them from the supply due (zero for ATP now).
    /// </param>
    public static long For(long raw, long fencedForOthers, long supplyDue = 0, long heldForBackorders = 0, long awaitingSupply = 0)
        => Math.Max(0, raw - heldForBackorders - fencedForOthers + supplyDue - awaitingSupply);

    /// <summary>
    /// Stock held for backorders: as much of the stock that is free and not ring-fenced as the backorder queue waits
    /// for. It is held from the moment it is there (a receipt, a release), so no other reservation takes it before the
    /// queue allocates it; the queue's own reservations may use it.
    /// </summary>
    /// <param name="raw">Sellable less reserved and allocated.</param>
    /// <param name="fenced">Ring-fenced quantity still held for any channel.</param>
    /// <param name="backorderDemand">Units the backorder queue waits for.</param>
    public static long HeldForBackorders(long raw, long fenced, long backorderDemand)
        => Math.Clamp(raw - fenced, 0, Math.Max(0, backorderDemand));

    /// <summary>Backordered units that stock held for them does not cover: what date ATP takes off the supply due.</summary>
    public static long AwaitingSupply(long backorderDemand, long heldForBackorders)
        => Math.Max(0, backorderDemand - heldForBackorders);

    /// <summary>Ring-fenced quantity still held, for all channels.</summary>
    public static long Fenced(IEnumerable<long> remaining)
    {
        long total = 0;
        foreach (var r in remaining)
        {
            total += Math.Max(0, r);
        }

        return total;
    }

    /// <summary>Ring-fenced quantity that channels other than <paramref name="channel"/> still hold.</summary>
    public static long FencedForOthers(IEnumerable<(string Channel, long Remaining)> holds, string? channel)
    {
        long total = 0;
        foreach (var (holder, remaining) in holds)
        {
            if (!string.Equals(holder, channel, StringComparison.Ordinal))
            {
                total += remaining;
            }
        }

        return total;
    }

    /// <summary>Inbound supply due on or before <paramref name="dueBy"/>; none when no date is asked.</summary>
    public static long SupplyDue(IEnumerable<(long Quantity, DateTimeOffset Eta)> inbound, DateTimeOffset? dueBy)
    {
        if (dueBy is null)
        {
            return 0;
        }

        long total = 0;
        foreach (var (quantity, eta) in inbound)
        {
            if (eta <= dueBy.Value)
            {
                total += quantity;
            }
        }

        return total;
    }
}
