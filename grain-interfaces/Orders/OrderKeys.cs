namespace Grid.Orders;

/// <summary>
/// Grain keys of the order side. Bare ids are prefixed so that a hex-looking id (an order <c>0A1B</c>) is never re-read
/// by Orleans as an integer key, and so that an order, a customer and a shipment with the same id stay apart.
/// </summary>
public static class OrderKeys
{
    public static string Order(string orderId) => $"order:{orderId}";

    public static string Customer(string customerId) => $"customer:{customerId}";

    public static string Shipment(string shipmentId) => $"shipment:{shipmentId}";

    /// <summary>A customer's order index (the order list), apart from the customer's credit.</summary>
    public static string CustomerOrders(string customerId) => $"customer-orders:{customerId}";

    /// <summary>A SKU-location's backorder queue has the SKU-location's own key, <c>SKU@LOCATION</c>.</summary>
    public static string BackorderQueue(string sku, string location) => Identifiers.SkuLocationKey(sku, location);

    /// <summary>The one location directory and the one ops list of order exceptions.</summary>
    public const long Singleton = 0;

    /// <summary>The id in a prefixed key (<c>order:42</c> → <c>42</c>).</summary>
    public static string IdOf(string key) => key[(key.IndexOf(':', StringComparison.Ordinal) + 1)..];
}
