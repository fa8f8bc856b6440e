using Grid.Inventory;

namespace Grid.Gateway.Events;

/// <summary>
/// Puts validated events on the streams of the SKU-locations they are about. The task completes once every one of
/// them is queued by the stream provider, which in Postgres mode means committed to PostgreSQL.
/// </summary>
public sealed class InventoryEventQueue(IClusterClient cluster)
{
    public Task EnqueueAsync(IEnumerable<KeyValuePair<string, List<WarehouseMovement>>> movementsBySkuLocation)
    {
        StreamTraceContext.Capture();
        var provider = cluster.GetStreamProvider(GridStreams.ProviderName);
        return Task.WhenAll(movementsBySkuLocation.Select(group =>
            provider.GetStream<WarehouseMovement>(StreamId.Create(GridStreams.Inventory, group.Key)).OnNextBatchAsync(group.Value)));
    }
}
