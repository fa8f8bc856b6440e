using Grid.Gateway.Feed;
using Grid.Inventory;

namespace Grid.Tests.Gateway;

/// <summary>The feed's tail in memory: each SKU-location's latest change once, in order, trimmed from the oldest.</summary>
[Trait("Category", "Unit")]
public sealed class FeedWindowTests
{
    [Fact]
    public void A_reader_gets_each_SKU_location_once_at_its_latest_position_in_order()
    {
        var window = new FeedWindow(start: 0);
        window.Append([Entry(1, "A"), Entry(2, "B"), Entry(3, "A"), Entry(4, "C")], head: 4);

        var page = window.TryRead(0, FeedFilter.All, 10)!;

        Assert.Equal([(2L, "B"), (3L, "A"), (4L, "C")], page.Entries.Select(e => (e.Position, e.Snapshot.Sku)));
        Assert.Equal(4, page.Next);
    }

    [Fact]
    public void A_page_that_fills_its_limit_ends_at_its_last_entry()
    {
        var window = new FeedWindow(start: 0);
        window.Append([.. Enumerable.Range(1, 5).Select(i => Entry(i, $"S{i}"))], head: 5);

        var page = window.TryRead(1, FeedFilter.All, 2)!;

        Assert.Equal([2L, 3L], page.Entries.Select(e => e.Position));
        Assert.Equal(3, page.Next);
    }

    [Fact]
    public void The_head_moves_past_positions_no_entry_holds()
    {
        var window = new FeedWindow(start: 0);
        window.Append([Entry(2, "A")], head: 7);

        Assert.Equal(7, window.TryRead(2, FeedFilter.All, 10)!.Next);
        Assert.Empty(window.TryRead(2, FeedFilter.All, 10)!.Entries);
    }

    [Fact]
    public void A_full_window_trims_its_oldest_entry_and_sends_readers_behind_it_elsewhere()
    {
        var window = new FeedWindow(start: 0, capacity: 2);
        window.Append([Entry(1, "A"), Entry(2, "B"), Entry(3, "C")], head: 3);

        Assert.Null(window.TryRead(0, FeedFilter.All, 10));
        Assert.Equal([2L, 3L], window.TryRead(1, FeedFilter.All, 10)!.Entries.Select(e => e.Position));
    }

    [Fact]
    public void Superseded_entries_are_dropped_while_the_latest_of_each_stay_readable()
    {
        var window = new FeedWindow(start: 0);
        for (var position = 1; position <= 5_000; position++)
        {
            window.AppendNext(Snapshot($"S{position % 3}"));
        }

        var page = window.TryRead(0, FeedFilter.All, 10)!;

        Assert.Equal([4_998L, 4_999L, 5_000L], page.Entries.Select(e => e.Position));
        Assert.Equal(3, window.Everything(FeedFilter.All).Snapshots.Count);
    }

    [Fact]
    public void A_filter_leaves_out_other_locations_and_the_page_still_moves_past_them()
    {
        var window = new FeedWindow(start: 0);
        window.Append([Entry(1, "A", "DC1"), Entry(2, "B", "DC2")], head: 2);

        var page = window.TryRead(0, new FeedFilter(new HashSet<string>(StringComparer.Ordinal) { "DC2" }), 10)!;

        Assert.Equal(["B"], page.Entries.Select(e => e.Snapshot.Sku));
        Assert.Equal(2, page.Next);
    }

    private static FeedEntry Entry(long position, string sku, string location = "DC1") => new(position, Snapshot(sku, location));

    private static AvailabilitySnapshot Snapshot(string sku, string location = "DC1") => AvailabilityProjection.Empty(sku, location);
}
