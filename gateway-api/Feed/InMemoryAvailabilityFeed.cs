using Grid.Inventory;

namespace Grid.Gateway.Feed;

/// <summary>
/// The dev-mode feed: the silo's in-memory inventory storage publishes each durable change here while it stores it,
/// under one lock, so positions become visible in order with no gap to wait for. Lost when the process stops: its
/// epoch is new in every process, so a cursor from before a restart is answered 410.
/// </summary>
public sealed class InMemoryAvailabilityFeed : IAvailabilityFeed
{
    private readonly FeedWindow _window = new(start: 0);
    private readonly string _epoch = FeedCursor.NewEpoch();

    /// <summary>Records a SKU-location's new durable figures at the next position.</summary>
    public long Publish(AvailabilitySnapshot snapshot) => _window.AppendNext(snapshot);

    public Task<FeedBounds> BoundsAsync(CancellationToken cancellationToken) => Task.FromResult(new FeedBounds(_epoch, _window.Head));

    public Task<FeedPage> ReadAsync(long after, FeedFilter filter, int limit, CancellationToken cancellationToken)
        => Task.FromResult(_window.TryRead(after, filter, limit)!);

    public Task WaitAsync(long after, CancellationToken cancellationToken) => _window.WaitAsync(after, cancellationToken);

    public Task<FeedExport> ExportAsync(FeedFilter filter, CancellationToken cancellationToken)
    {
        var (head, snapshots) = _window.Everything(filter);
        snapshots.Sort(static (a, b) => string.CompareOrdinal(a.Sku, b.Sku) is var bySku and not 0 ? bySku : string.CompareOrdinal(a.Location, b.Location));
        return Task.FromResult(new FeedExport(head, snapshots.ToAsyncEnumerable()));
    }
}
