using System.Collections.Immutable;
using Grid.Domain.Outbound;

namespace Grid.Tests.Domain.Outbound;

/// <summary>A location's snapshots split by SKU over shards: each shard compares its lines, the ledger keeps the ids and the totals.</summary>
[Trait("Category", "Domain")]
public sealed class ReconciliationShardingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);

    private static ErpStockCount Count(string id, int items, string location = "DC1")
        => new(id, location, T0, [.. Enumerable.Range(0, items).Select(i => new ErpCountLine($"SKU-{i}", i))]);

    [Fact]
    public void Every_line_goes_to_exactly_one_shard_and_the_same_SKU_always_to_the_same_one()
    {
        var split = StockComparison.Split(Count("S1", 1_000), 8);

        Assert.Equal(1_000, split.Sum(g => g.Count()));
        Assert.Equal(8, split.Count);
        Assert.All(split, g => Assert.All(g, l => Assert.Equal(g.Key, StockComparison.ShardOf(l.Sku, 8))));
    }

    [Fact]
    public void The_report_assembled_from_the_shards_lists_every_discrepancy_in_the_snapshot_order()
    {
        var snapshot = Count("S1", 100);
        var ledger = new ReconciliationLedger();
        var entry = ledger.Begin(snapshot, 4, T0.AddMinutes(1), out _);
        // Grid holds nothing: every line but SKU-0 (counted 0) differs.
        var parts = StockComparison.Split(snapshot, 4).Select(g => new ReconciliationShard().Reconcile(
            new ShardCount("S1", "DC1", T0, entry.ReconciledAt, [.. g]), new Dictionary<string, GridStock>(), $"reconciliation/DC1/{g.Key}")).ToList();

        var report = StockComparison.Assemble(ledger.Complete(entry, parts), "DC1", parts);

        Assert.Equal((100, 1, 99), (report.Compared, report.Matched, report.Discrepancies.Length));
        Assert.Equal(Enumerable.Range(1, 99).Select(i => $"SKU-{i}"), report.Discrepancies.Select(d => d.Sku));
    }

    [Fact]
    public void A_shard_puts_each_discrepancy_in_its_outbox_under_its_own_subject()
    {
        var shard = new ReconciliationShard();

        shard.Reconcile(new ShardCount("S1", "DC1", T0, T0, [new CountedLine(0, "A", 5), new CountedLine(3, "B", 0)]), new Dictionary<string, GridStock>(), "reconciliation/DC1/2");

        var e = Assert.Single(shard.Outbox.Entries).Event;
        Assert.Equal(("grid.reconciliation.discrepancy.v1", "reconciliation/DC1/2"), (e.Type, e.Subject));
    }

    [Fact]
    public void A_repeat_is_recalled_and_other_content_under_the_same_id_is_a_conflict()
    {
        var ledger = new ReconciliationLedger();
        var snapshot = Count("S1", 3);
        ledger.Begin(snapshot, 8, T0, out _);

        Assert.NotNull(ledger.Recall(snapshot with { Items = [.. snapshot.Items.Reverse()] }, out var repeat));
        Assert.False(repeat);
        Assert.Null(ledger.Recall(snapshot with { Items = [new ErpCountLine("SKU-0", 7)] }, out var conflict));
        Assert.True(conflict);
        Assert.Null(ledger.Recall(Count("S2", 3), out var fresh));
        Assert.False(fresh);
    }

    [Fact]
    public void A_ledger_keeps_the_latest_snapshots_up_to_the_limit_and_forgets_the_ids_it_drops()
    {
        var ledger = new ReconciliationLedger();
        SnapshotEntry? dropped = null;
        for (var i = 0; i <= StockComparison.ReportLimit; i++)
        {
            var entry = ledger.Begin(Count($"S{i}", 1), 1, T0.AddMinutes(i), out dropped);
            ledger.Complete(entry, [new ShardPart(entry.SnapshotId, 1, ImmutableArray<PlacedDifference>.Empty)]);
        }

        Assert.Equal(StockComparison.ReportLimit, ledger.Snapshots.Count);
        Assert.Equal("S0", dropped?.SnapshotId);
        Assert.Equal($"S{StockComparison.ReportLimit}", ledger.Latest(1).Single().SnapshotId);
        Assert.Null(ledger.Find("S0"));
    }

    [Fact]
    public void A_snapshot_entered_but_not_completed_is_not_listed_and_a_retry_finds_it_to_finish_with_the_same_time()
    {
        var ledger = new ReconciliationLedger();
        ledger.Begin(Count("S1", 1), 8, T0, out _);

        Assert.Empty(ledger.Latest(20));
        var pending = ledger.Recall(Count("S1", 1), out _);
        Assert.Equal((false, T0, 8), (pending!.Complete, pending.ReconciledAt, pending.Shards));
    }
}
