using Grid.Orders;

namespace Grid.Gateway.Events;

/// <summary>
/// Puts validated warehouse events about orders on the streams of the orders they are about. The task completes once
/// every one of them is queued by the stream provider, which in Postgres mode means committed to PostgreSQL.
/// </summary>
public sealed class OrderEventQueue(IClusterClient cluster)
{
    public Task EnqueueAsync(IEnumerable<KeyValuePair<string, List<OrderWarehouseEvent>>> eventsByOrder)
    {
        StreamTraceContext.Capture();
        var provider = cluster.GetStreamProvider(GridStreams.ProviderName);
        return Task.WhenAll(eventsByOrder.Select(group =>
            provider.GetStream<OrderWarehouseEvent>(StreamId.Create(GridStreams.Orders, OrderKeys.Order(group.Key))).OnNextBatchAsync(group.Value)));
    }
}
