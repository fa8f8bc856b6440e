namespace Grid;

/// <summary>
/// The stream provider that carries warehouse and supplier events to the grains they are about (DESIGN §5), and its
/// namespaces. A stream's key is the key of the grain that consumes it through an implicit subscription.
/// </summary>
public static class GridStreams
{
    /// <summary>Durable (PostgreSQL) in Postgres mode, in memory in dev mode.</summary>
    public const string ProviderName = "grid-events";

    /// <summary>Movements and inbound supply of one SKU-location; key <c>SKU@LOCATION</c>, events <see cref="Inventory.WarehouseMovement"/>.</summary>
    public const string Inventory = "inventory";

    /// <summary>Warehouse events about one order (picks, short picks, ship confirms, returns); key <c>order:ID</c>, events <see cref="Orders.OrderWarehouseEvent"/>.</summary>
    public const string Orders = "orders";
}
