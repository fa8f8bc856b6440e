using System.Text.Json.Serialization;

namespace Grid.Domain;

// Backorders: what the SKU-location's backorder queue waits for, the stock held for it, and what date ATP nets out.
public sealed partial class SkuLocationInventory
{
    /// <summary>Whether order lines wait in this SKU-location's backorder queue, which is then told when stock or supply grows.</summary>
    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool BackordersWaiting
    {
        get => _rare?.BackordersWaiting ?? false;
        private set
        {
            if (value || _rare is not null)
            {
                (_rare ??= new Rare()).BackordersWaiting = value;
            }
        }
    }

    /// <summary>
    /// The units the backorder queue waits for, as it last said (less what its reservations took since). Stock that is
    /// free is held for them (<see cref="HeldForBackorders"/>), and ATP for a date nets the rest out of the supply due.
    /// </summary>
    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long BackorderDemand
    {
        get => _rare?.BackorderDemand ?? 0;
        private set
        {
            if (value != 0 || _rare is not null)
            {
                (_rare ??= new Rare()).BackorderDemand = value;
            }
        }
    }

    /// <summary>
    /// Stock held for the backorders waiting here: free, not ring-fenced stock up to <see cref="BackorderDemand"/>. It
    /// is held the moment it is there, in the same step that applied the receipt or release, so a sales channel's
    /// reservation cannot take it before the queue allocates it; only the queue's own reservations may.
    /// </summary>
    [JsonIgnore]
    public long HeldForBackorders => BackorderDemand == 0
        ? 0
        : AvailableToPromise.HeldForBackorders(AvailableRaw, AvailableToPromise.Fenced(RingFenceHolds().Select(h => h.Remaining)), BackorderDemand);

    /// <summary>Backordered units that the stock held does not cover: they are promised from (and take first) the supply due.</summary>
    [JsonIgnore]
    public long BackordersAwaitingSupply => AvailableToPromise.AwaitingSupply(BackorderDemand, HeldForBackorders);

    /// <summary>
    /// Records how many units the backorder queue waits for (zero: none wait); false when that was known already. From
    /// this step on, that much of the free stock is held for them and date ATP is net of them.
    /// </summary>
    public bool WatchBackorders(long demand, DateTimeOffset now)
    {
        demand = Math.Max(0, demand);
        var waiting = demand > 0;
        if (BackordersWaiting == waiting && BackorderDemand == demand)
        {
            return false;
        }

        var changesAvailability = BackorderDemand != demand;
        BackordersWaiting = waiting;
        BackorderDemand = demand;
        if (changesAvailability)
        {
            // ATP changed: the SKU grain and the observers must see a newer version.
            Touch(now);
        }

        return true;
    }
}
