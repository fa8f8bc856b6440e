namespace Grid;

/// <summary>
/// The stream provider that carries warehouse and supplier events to the grains they are about (DESIGN §5), and its
/// namespaces. A stream's key is the key of the grain that consumes it through an implicit subscription.
/// </summary>
public static class GridStreams
{
    /// <summary>Durable (PostgreSQL) in Postgres mode, in memory in dev mode.</summary>
    public const string ProviderName = "grid-events";

    /// <summary>
    /// Movements and inbound supply, one stream per partition of the SKU-locations (<see cref="InventoryPartition"/>),
    /// events <see cref="Inventory.QueuedMovement"/>. One consumer per partition fans each delivery out to the
    /// SKU-locations it names, so a SKU-location grain holds no stream state and a backlog is applied in batches.
    /// </summary>
    public const string Inventory = "inventory";

    /// <summary>Warehouse events about one order (picks, short picks, ship confirms, returns); key <c>order:ID</c>, events <see cref="Orders.OrderWarehouseEvent"/>.</summary>
    public const string Orders = "orders";

    /// <summary>The marker that starts a partition key: a stream key <c>#3</c> is partition 3, read from queue 3.</summary>
    public const char PartitionMarker = '#';

    /// <summary>
    /// The key of the inventory stream that carries <paramref name="skuLocationKey"/>'s events when there are
    /// <paramref name="partitions"/> partitions (one per queue). The same SKU-location always lands in the same
    /// partition, which is what keeps its events in order.
    /// </summary>
    public static string InventoryPartition(string skuLocationKey, int partitions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);

        // FNV-1a over the UTF-16 code units: stable across processes and runtime versions, unlike string.GetHashCode.
        var hash = 2166136261u;
        foreach (var c in skuLocationKey)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return PartitionKey((int)(hash % (uint)partitions));
    }

    public static string PartitionKey(int partition) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{PartitionMarker}{partition}");
}
