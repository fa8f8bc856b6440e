using System.Text.Json.Serialization;

namespace Grid.Domain.Orders;

/// <summary>
/// One line of an order and where each of its units stands. Always, per line:
/// <c>Quantity = Unsourced + Allocated + Picked + Backordered + Shipped + Cancelled</c>.
/// </summary>
public sealed class OrderLine
{
    public OrderLine()
    {
    }

    public OrderLine(OrderLineRequest request)
    {
        LineId = request.LineId;
        Sku = request.Sku;
        Quantity = request.Quantity;
        RequestedLocation = request.Location;
        ReservationIds = [.. request.ReservationIds ?? []];
        Preorder = request.Preorder;
        Unsourced = request.Quantity;
    }

    [JsonInclude] public string LineId { get; private set; } = "";
    [JsonInclude] public string Sku { get; private set; } = "";
    [JsonInclude] public long Quantity { get; private set; }
    [JsonInclude] public string? RequestedLocation { get; private set; }

    /// <summary>The channel's reservations this line took over at submission (cart to order); they are its allocation.</summary>
    [JsonInclude] public List<string> ReservationIds { get; private set; } = [];

    /// <summary>A pre-order: its units wait at its location's queue for the inbound supply they were sold against, never sourced from stock elsewhere.</summary>
    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool Preorder { get; private set; }

    /// <summary>Units not yet sourced: a new line, or units a short pick freed.</summary>
    [JsonInclude] public long Unsourced { get; internal set; }

    /// <summary>Allocated (committed at the SKU-location) and not yet picked, by location.</summary>
    [JsonInclude] public Dictionary<string, long> Allocated { get; private set; } = new(StringComparer.Ordinal);

    /// <summary>Picked and not yet shipped, by location.</summary>
    [JsonInclude] public Dictionary<string, long> Picked { get; private set; } = new(StringComparer.Ordinal);

    /// <summary>Waiting at a location's backorder queue, by location.</summary>
    [JsonInclude] public Dictionary<string, Backorder> Backorders { get; private set; } = new(StringComparer.Ordinal);

    [JsonInclude] public long Shipped { get; internal set; }
    [JsonInclude] public long Delivered { get; internal set; }
    [JsonInclude] public long Cancelled { get; internal set; }
    [JsonInclude] public long Invoiced { get; internal set; }

    /// <summary>Units a return authorization covers (received or not).</summary>
    [JsonInclude] public long ReturnAuthorized { get; internal set; }

    /// <summary>Units the warehouse shipped beyond what the line had open: recorded, and raised as an exception.</summary>
    [JsonInclude] public long OverShipped { get; internal set; }

    /// <summary>The first date promised for the line's backordered units: what promise accuracy holds the line to.</summary>
    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public DateTimeOffset? FirstPromisedDate { get; internal set; }

    /// <summary>The promise (<see cref="PromiseKey"/>) for which a missed requested delivery date was last raised.</summary>
    [JsonInclude] public string? LateFlaggedFor { get; internal set; }

    /// <summary>Locations a short pick proved wrong, left out when the freed units are sourced again.</summary>
    [JsonInclude] public List<string> ExcludedLocations { get; private set; } = [];

    [JsonIgnore] public long AllocatedTotal => Allocated.Values.Sum();
    [JsonIgnore] public long PickedTotal => Picked.Values.Sum();
    [JsonIgnore] public long Backordered => Backorders.Values.Sum(b => b.Quantity);

    /// <summary>Units still to ship: neither shipped nor cancelled.</summary>
    [JsonIgnore] public long Open => Quantity - Shipped - Cancelled;

    /// <summary>The earliest date promised for this line's backordered units, when every one of them has a promise.</summary>
    [JsonIgnore]
    public DateTimeOffset? PromisedDate
        => Backorders.Count == 0 || Backorders.Values.Any(b => b.PromisedDate is null)
            ? null
            : Backorders.Values.Max(b => b.PromisedDate);

    /// <summary>
    /// Whether the line misses <paramref name="requested"/>: some of its units wait for stock, every backorder has been
    /// promised by its queue, and the promise is later than the date (or there is no dated supply to promise from).
    /// </summary>
    public bool IsLateFor(DateTimeOffset? requested)
        => requested is { } date && Backordered > 0 && Backorders.Values.All(b => b.Queued)
        && Backorders.Values.Any(b => b.PromisedDate is null || b.PromisedDate > date);

    /// <summary>The line's promise as one value: the latest promised date, or "none" when a backorder has none.</summary>
    [JsonIgnore]
    public string PromiseKey => Backorders.Count == 0 || Backorders.Values.Any(b => b.PromisedDate is null)
        ? "none"
        : Backorders.Values.Max(b => b.PromisedDate)!.Value.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public bool IsSameRequestAs(OrderLineRequest request)
        => string.Equals(LineId, request.LineId, StringComparison.Ordinal)
        && string.Equals(Sku, request.Sku, StringComparison.Ordinal)
        && Quantity == request.Quantity
        && string.Equals(RequestedLocation, request.Location, StringComparison.Ordinal)
        && ReservationIds.SequenceEqual(request.ReservationIds ?? [], StringComparer.Ordinal)
        && Preorder == request.Preorder;

    /// <summary>The per-line balance; a message per broken rule, empty when it holds.</summary>
    public IEnumerable<string> Audit()
    {
        var accounted = Unsourced + AllocatedTotal + PickedTotal + Backordered + Shipped + Cancelled;
        if (accounted != Quantity)
        {
            yield return $"line {LineId}: unsourced {Unsourced} + allocated {AllocatedTotal} + picked {PickedTotal} + backordered {Backordered} + shipped {Shipped} + cancelled {Cancelled} = {accounted}, not the ordered {Quantity}.";
        }

        if (Delivered > Shipped)
        {
            yield return $"line {LineId}: delivered {Delivered} exceeds shipped {Shipped}.";
        }

        if (Unsourced < 0 || Shipped < 0 || Cancelled < 0 || Allocated.Values.Any(q => q < 0) || Picked.Values.Any(q => q < 0) || Backorders.Values.Any(b => b.Quantity < 0))
        {
            yield return $"line {LineId}: a negative bucket.";
        }
    }

    internal static void Add(Dictionary<string, long> buckets, string location, long quantity)
    {
        var total = buckets.GetValueOrDefault(location) + quantity;
        if (total == 0)
        {
            buckets.Remove(location);
        }
        else
        {
            buckets[location] = total;
        }
    }

    /// <summary>Takes up to <paramref name="quantity"/> from the bucket at <paramref name="location"/>; returns what it took.</summary>
    internal static long Take(Dictionary<string, long> buckets, string location, long quantity)
    {
        var taken = Math.Min(quantity, buckets.GetValueOrDefault(location));
        if (taken > 0)
        {
            Add(buckets, location, -taken);
        }

        return taken;
    }

    internal void AddBackorder(string location, long quantity)
    {
        var current = Backorders.GetValueOrDefault(location);
        Backorders[location] = current is null
            ? new Backorder(quantity)
            : current with { Quantity = current.Quantity + quantity, Queued = false };
    }

    /// <summary>Takes up to <paramref name="quantity"/> off the backorder at <paramref name="location"/>; returns what it took.</summary>
    internal long TakeBackorder(string location, long quantity)
    {
        if (!Backorders.TryGetValue(location, out var backorder))
        {
            return 0;
        }

        var taken = Math.Min(quantity, backorder.Quantity);
        if (taken == backorder.Quantity)
        {
            Backorders.Remove(location);
        }
        else
        {
            Backorders[location] = backorder with { Quantity = backorder.Quantity - taken };
        }

        return taken;
    }
}
