namespace Grid.Domain.Orders;

/// <summary>Where an order stands in DESIGN §4's lifecycle.</summary>
public enum OrderStatus
{
    Submitted = 0,
    Accepted = 1,
    PartiallyBackordered = 2,
    Backordered = 3,
    OnHold = 4,
    Rejected = 5,
    Released = 6,
    Picking = 7,
    PartiallyShipped = 8,
    Shipped = 9,
    Delivered = 10,
    Invoiced = 11,
    Closed = 12,
    Cancelled = 13,
}

/// <summary>
/// The transitions an order may make, and nothing else: every change of <see cref="Order.Status"/> goes through
/// <see cref="CanMove"/>.
/// </summary>
public static class OrderLifecycle
{
    private static readonly Dictionary<OrderStatus, OrderStatus[]> Next = new()
    {
        [OrderStatus.Submitted] = [OrderStatus.Accepted, OrderStatus.PartiallyBackordered, OrderStatus.Backordered, OrderStatus.OnHold, OrderStatus.Rejected, OrderStatus.Cancelled],
        [OrderStatus.Accepted] = [OrderStatus.Released, OrderStatus.OnHold, OrderStatus.Cancelled],
        [OrderStatus.PartiallyBackordered] = [OrderStatus.Accepted, OrderStatus.Released, OrderStatus.OnHold, OrderStatus.Cancelled],
        [OrderStatus.Backordered] = [OrderStatus.Accepted, OrderStatus.PartiallyBackordered, OrderStatus.OnHold, OrderStatus.Cancelled],
        [OrderStatus.OnHold] = [OrderStatus.Accepted, OrderStatus.PartiallyBackordered, OrderStatus.Backordered, OrderStatus.Cancelled],
        [OrderStatus.Released] = [OrderStatus.Picking, OrderStatus.PartiallyShipped, OrderStatus.Shipped, OrderStatus.Cancelled],
        [OrderStatus.Picking] = [OrderStatus.PartiallyShipped, OrderStatus.Shipped, OrderStatus.Cancelled],

        // Cancelling the rest of a partially shipped order leaves what shipped: it moves on as Shipped.
        [OrderStatus.PartiallyShipped] = [OrderStatus.Shipped],
        [OrderStatus.Shipped] = [OrderStatus.Delivered],
        [OrderStatus.Delivered] = [OrderStatus.Invoiced],
        [OrderStatus.Invoiced] = [OrderStatus.Closed],
        [OrderStatus.Rejected] = [],
        [OrderStatus.Closed] = [],
        [OrderStatus.Cancelled] = [],
    };

    public static bool CanMove(OrderStatus from, OrderStatus to) => Next[from].Contains(to);

    public static IReadOnlyList<OrderStatus> NextOf(OrderStatus from) => Next[from];

    public static bool IsTerminal(OrderStatus status) => status is OrderStatus.Rejected or OrderStatus.Closed or OrderStatus.Cancelled;

    /// <summary>Before release to the warehouse: the statuses sourcing and credit decide between.</summary>
    public static bool IsBeforeRelease(OrderStatus status)
        => status is OrderStatus.Submitted or OrderStatus.Accepted or OrderStatus.PartiallyBackordered or OrderStatus.Backordered or OrderStatus.OnHold;

    /// <summary>Cancellation is possible at any point before the order is fully shipped.</summary>
    public static bool CanCancel(OrderStatus status)
        => IsBeforeRelease(status) || status is OrderStatus.Released or OrderStatus.Picking or OrderStatus.PartiallyShipped;

    /// <summary>The status as the API spells it (camelCase), for messages.</summary>
    public static string Name(OrderStatus status)
    {
        var name = status.ToString();
        return string.Concat(char.ToLowerInvariant(name[0]).ToString(), name[1..]);
    }
}
