using Grid.Orders;

namespace Grid.Gateway.Events;

/// <summary>
/// Puts validated warehouse events about orders on the streams of the orders they are about. The task completes once
/// every one of them is queued by the stream provider, which in Postgres mode means committed to PostgreSQL.
/// </summary>
public sealed class OrderEventQueue(IClusterClient cluster)
{
    /// <summary>The streams the events of <paramref name="orderIds"/> travel on.</summary>
    public static IEnumerable<StreamId> StreamsOf(IEnumerable<string> orderIds)
        => orderIds.Select(id => StreamId.Create(GridStreams.Orders, OrderKeys.Order(id)));

    public Task EnqueueAsync(IEnumerable<KeyValuePair<string, List<OrderWarehouseEvent>>> eventsByOrder)
    {
        StreamTraceContext.Capture();
        var provider = cluster.GetStreamProvider(GridStreams.ProviderName);
        return Task.WhenAll(eventsByOrder.Select(group =>
            provider.GetStream<OrderWarehouseEvent>(StreamsOf([group.Key]).Single()).OnNextBatchAsync(group.Value)));
    }
}
