using Grid.Hosting;
using Grid.Inventory;
using Microsoft.Extensions.Options;

namespace Grid.Gateway.Events;

/// <summary>
/// Puts validated events on the stream partitions of the SKU-locations they are about: one message per partition a
/// request touches, so a request of a hundred events is a handful of queue rows. The task completes once every one of
/// them is queued by the stream provider, which in Postgres mode means committed to PostgreSQL.
/// </summary>
public sealed class InventoryEventQueue(IClusterClient cluster, IOptions<GridStreamOptions> streams, TimeProvider clock)
{
    private readonly int _partitions = streams.Value.QueueCount;

    /// <summary>The streams the events of <paramref name="skuLocations"/> travel on.</summary>
    public IEnumerable<StreamId> StreamsOf(IEnumerable<string> skuLocations)
        => skuLocations.Select(key => GridStreams.InventoryPartition(key, _partitions)).Distinct(StringComparer.Ordinal)
            .Select(partition => StreamId.Create(GridStreams.Inventory, partition));

    public Task EnqueueAsync(IEnumerable<KeyValuePair<string, List<WarehouseMovement>>> movementsBySkuLocation)
    {
        var acceptedAt = clock.GetUtcNow();
        var byPartition = new Dictionary<string, List<QueuedMovement>>(StringComparer.Ordinal);
        foreach (var (skuLocation, movements) in movementsBySkuLocation)
        {
            var partition = GridStreams.InventoryPartition(skuLocation, _partitions);
            if (!byPartition.TryGetValue(partition, out var queued))
            {
                byPartition[partition] = queued = [];
            }

            queued.AddRange(movements.Select(m => new QueuedMovement(skuLocation, m, acceptedAt)));
        }

        StreamTraceContext.Capture();
        var provider = cluster.GetStreamProvider(GridStreams.ProviderName);
        return Task.WhenAll(byPartition.Select(partition =>
            provider.GetStream<QueuedMovement>(StreamId.Create(GridStreams.Inventory, partition.Key)).OnNextBatchAsync(partition.Value)));
    }
}
