namespace Grid.Inventory;

/// <summary>
/// The availability change feed (docs/channel-sync.md): one entry per SKU-location, moved to a new, higher position
/// with every durable change of its availability (latest wins), so a reader that follows the positions in order never
/// has more to read than there are SKU-locations. In dev mode it lives in the silo's memory; in Postgres mode it is a
/// table written in the same statement as the SKU-location's state.
/// </summary>
public interface IAvailabilityFeed
{
    /// <summary>Names this feed: a cursor from another feed (another database, a dev process that restarted) is refused.</summary>
    Task<FeedBounds> BoundsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> entries after <paramref name="after"/> in position order, at most up to the
    /// feed's safe horizon (no position at or below it can still appear), with the position to read on from.
    /// </summary>
    Task<FeedPage> ReadAsync(long after, FeedFilter filter, int limit, CancellationToken cancellationToken);

    /// <summary>Completes once the safe horizon passes <paramref name="after"/> (it may still hold nothing the reader wants).</summary>
    Task WaitAsync(long after, CancellationToken cancellationToken);

    /// <summary>Every SKU-location's state, as of a position: every change at or below it is in the export.</summary>
    Task<FeedExport> ExportAsync(FeedFilter filter, CancellationToken cancellationToken);
}

/// <summary>A SKU-location's durable figures and the feed position they were written at.</summary>
public sealed record FeedEntry(long Position, AvailabilitySnapshot Snapshot);

/// <summary>Entries in position order, and the position to read on from (the last entry's, or the horizon read up to).</summary>
public sealed record FeedPage(IReadOnlyList<FeedEntry> Entries, long Next);

/// <summary>The feed's name (a cursor names it, so that one from another feed is refused) and the highest position handed out so far.</summary>
public sealed record FeedBounds(string Epoch, long Allocated);

/// <summary>The SKU-locations of an export, and the position the export is consistent with.</summary>
public sealed record FeedExport(long Position, IAsyncEnumerable<AvailabilitySnapshot> Snapshots);

/// <summary>The locations a reader wants (none: all of them).</summary>
public sealed record FeedFilter(IReadOnlySet<string> Locations)
{
    public static FeedFilter All { get; } = new(new HashSet<string>(StringComparer.Ordinal));

    public bool IsAll => Locations.Count == 0;

    public bool Wants(AvailabilitySnapshot snapshot) => IsAll || Locations.Contains(snapshot.Location);
}
