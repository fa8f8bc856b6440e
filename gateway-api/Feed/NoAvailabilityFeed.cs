using Grid.Inventory;
namespace Grid.Gateway.Feed;

/// <summary>
/// Where no feed can be read: a gateway process of its own in dev mode, whose feed lives in the silo's memory. Its
/// calls fail with <see cref="AvailabilityFeedUnavailableException"/>, answered 503 naming the reason.
/// </summary>
internal sealed class NoAvailabilityFeed : IAvailabilityFeed
{
    public Task<FeedBounds> BoundsAsync(CancellationToken cancellationToken) => throw new AvailabilityFeedUnavailableException();

    public Task<FeedPage> ReadAsync(long after, FeedFilter filter, int limit, CancellationToken cancellationToken) => throw new AvailabilityFeedUnavailableException();

    public Task WaitAsync(long after, CancellationToken cancellationToken) => throw new AvailabilityFeedUnavailableException();

    public Task<FeedExport> ExportAsync(FeedFilter filter, CancellationToken cancellationToken) => throw new AvailabilityFeedUnavailableException();
}

/// <summary>This process cannot read the availability feed (see <see cref="NoAvailabilityFeed"/>).</summary>
public sealed class AvailabilityFeedUnavailableException()
    : InvalidOperationException("The availability feed is served by the dev-mode silo's own API, or by any process in Postgres mode; this gateway (dev mode, a process of its own) cannot read it.");
