using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;

namespace Grid.Domain.Orders;

/// <summary>One order as a customer's order list shows it.</summary>
public sealed record OrderSummary(
    string OrderId,
    OrderStatus Status,
    string Channel,
    DateTimeOffset SubmittedAt,
    DateTimeOffset StatusSince,
    DateTimeOffset? RequestedDeliveryDate);

/// <summary>A page of a customer's orders and the cursor of the next page (null on the last).</summary>
public sealed record OrderPage(IReadOnlyList<OrderSummary> Items, string? Next);

/// <summary>
/// One customer's orders (issue 20, item 6: the order list): a small summary per order, kept by the customer's own
/// index so that no one place holds every order. Each order tells its index when its status changes. Listed newest
/// first (by submission time, then order id), in pages that a cursor continues.
/// </summary>
public sealed class CustomerOrderIndex
{
    [JsonInclude] public Dictionary<string, OrderSummary> Orders { get; private set; } = new(StringComparer.Ordinal);

    /// <summary>Records an order's summary; false when it was recorded as it is already.</summary>
    public bool Record(OrderSummary summary)
    {
        if (Orders.TryGetValue(summary.OrderId, out var known) && known == summary)
        {
            return false;
        }

        Orders[summary.OrderId] = summary;
        return true;
    }

    /// <summary>Up to <paramref name="limit"/> orders after <paramref name="after"/> (a cursor from an earlier page), optionally of one status.</summary>
    public OrderPage Page(OrderStatus? status, OrderCursor? after, int limit)
    {
        var items = Orders.Values
            .Where(o => status is null || o.Status == status)
            .Where(o => after is null || after.Precedes(o))
            .OrderByDescending(o => o.SubmittedAt)
            .ThenBy(o => o.OrderId, StringComparer.Ordinal)
            .Take(limit + 1)
            .ToList();

        var more = items.Count > limit;
        if (more)
        {
            items.RemoveAt(limit);
        }

        return new OrderPage(items, more ? OrderCursor.After(items[^1]).Encode() : null);
    }
}

/// <summary>Where a page of a customer's orders ended: the last order's submission time and id, opaque to callers.</summary>
public sealed record OrderCursor(DateTimeOffset SubmittedAt, string OrderId)
{
    public static OrderCursor After(OrderSummary last) => new(last.SubmittedAt, last.OrderId);

    /// <summary>Whether <paramref name="order"/> comes after this cursor in the list's order (newest first, then by id).</summary>
    public bool Precedes(OrderSummary order)
        => order.SubmittedAt < SubmittedAt || (order.SubmittedAt == SubmittedAt && string.CompareOrdinal(order.OrderId, OrderId) > 0);

    public string Encode()
        => Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{SubmittedAt.UtcTicks}:{OrderId}")))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Reads a cursor <see cref="Encode"/> made; false for anything else.</summary>
    public static bool TryDecode(string? text, out OrderCursor? cursor)
    {
        cursor = null;
        if (string.IsNullOrEmpty(text) || text.Length > 400)
        {
            return false;
        }

        var base64 = text.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
        var bytes = new byte[base64.Length];
        if (!Convert.TryFromBase64String(base64, bytes, out var written))
        {
            return false;
        }

        var decoded = Encoding.UTF8.GetString(bytes, 0, written);
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == decoded.Length - 1
            || !long.TryParse(decoded.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }

        cursor = new OrderCursor(new DateTimeOffset(ticks, TimeSpan.Zero), decoded[(colon + 1)..]);
        return true;
    }
}
