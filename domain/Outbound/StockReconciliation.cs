using System.Collections.Immutable;

namespace Grid.Domain.Outbound;

/// <summary>What Grid knows of one SKU at the snapshot's location when it compares.</summary>
public sealed record GridStock(long OnHand, DateTimeOffset? AsOf, DateTimeOffset? LastWarehouseEventAt);

/// <summary>One SKU's count in an ERP stock snapshot.</summary>
public sealed record ErpCountLine(string Sku, long OnHand);

/// <summary>The ERP's stock count for one location at one moment.</summary>
public sealed record ErpStockCount(string SnapshotId, string Location, DateTimeOffset TakenAt, ImmutableArray<ErpCountLine> Items);

/// <summary>
/// One SKU whose ERP on-hand differs from Grid's. <see cref="MovedSinceSnapshot"/>: Grid applied warehouse movements
/// after the snapshot was taken, so the difference may be timing rather than drift.
/// </summary>
public sealed record StockDifference(
    string Sku, long ErpOnHand, long GridOnHand, long Difference, DateTimeOffset? GridAsOf, DateTimeOffset? LastWarehouseEventAt, bool MovedSinceSnapshot);

/// <summary>What one snapshot's comparison found.</summary>
public sealed record ReconciliationRecord(
    string SnapshotId, string Location, DateTimeOffset TakenAt, DateTimeOffset ReconciledAt, int Compared, int Matched,
    ImmutableArray<StockDifference> Discrepancies);

/// <summary>How a snapshot was taken (mirrors the contract's <c>ReconcileCode</c>, value for value).</summary>
public enum ReconcileCode
{
    /// <summary>Compared now.</summary>
    Reconciled = 0,

    /// <summary>This snapshot was reconciled before: the same report.</summary>
    Repeated = 1,

    /// <summary>The snapshot id was used before for a different snapshot.</summary>
    Conflict = 2,
}

/// <summary>The answer to a snapshot: its code and, unless it conflicts, its report.</summary>
public sealed record ReconcileOutcome(ReconcileCode Code, ReconciliationRecord? Report);

/// <summary>Data of <c>grid.reconciliation.discrepancy.v1</c>.</summary>
public sealed record DiscrepancyEventData(
    string SnapshotId, string Location, string Sku, long ErpOnHand, long GridOnHand, long Difference, DateTimeOffset TakenAt,
    DateTimeOffset DetectedAt, DateTimeOffset? LastWarehouseEventAt, bool MovedSinceSnapshot);

/// <summary>One SKU's count as a shard gets it: with its place in the snapshot, so that the report keeps the snapshot's order.</summary>
public sealed record CountedLine(int Index, string Sku, long OnHand);

/// <summary>The part of a snapshot one shard compares: the lines whose SKU hashes to it, and the time the whole snapshot is reconciled at.</summary>
public sealed record ShardCount(string SnapshotId, string Location, DateTimeOffset TakenAt, DateTimeOffset ReconciledAt, ImmutableArray<CountedLine> Items);

/// <summary>A difference with the place of its line in the snapshot.</summary>
public sealed record PlacedDifference(int Index, StockDifference Difference);

/// <summary>What one shard found for its part of a snapshot.</summary>
public sealed record ShardPart(string SnapshotId, int Compared, ImmutableArray<PlacedDifference> Discrepancies);

/// <summary>
/// The rules of stock reconciliation (DESIGN §5): compare an ERP stock snapshot with Grid's on-hand per SKU, report the
/// differences, never changing either side. A location's snapshots are split over shards by SKU
/// (<see cref="ShardOf"/>); each shard compares its lines (<see cref="ReconciliationShard"/>) and the location's ledger
/// (<see cref="ReconciliationLedger"/>) keeps the idempotency record and the summary.
/// </summary>
public static class StockComparison
{
    /// <summary>How many reports each location keeps (and so each shard keeps parts of).</summary>
    public const int ReportLimit = 200;

    /// <summary>The shard of <paramref name="sku"/> among <paramref name="shards"/>; every silo agrees.</summary>
    public static int ShardOf(string sku, int shards) => StableHash.Bucket(sku, shards);

    /// <summary>The snapshot's lines split by shard, each line with its place in the snapshot.</summary>
    public static ILookup<int, CountedLine> Split(ErpStockCount snapshot, int shards)
        => snapshot.Items.Select((item, index) => new CountedLine(index, item.Sku, item.OnHand)).ToLookup(l => ShardOf(l.Sku, shards));

    /// <summary>The differences between the ERP's lines and Grid's on-hand (a SKU Grid does not hold counts as 0).</summary>
    public static ImmutableArray<PlacedDifference> Compare(ShardCount count, IReadOnlyDictionary<string, GridStock> grid)
    {
        var discrepancies = ImmutableArray.CreateBuilder<PlacedDifference>();
        foreach (var item in count.Items)
        {
            var stock = grid.GetValueOrDefault(item.Sku) ?? new GridStock(0, null, null);
            if (stock.OnHand != item.OnHand)
            {
                var moved = stock.LastWarehouseEventAt is { } last && last > count.TakenAt;
                discrepancies.Add(new PlacedDifference(item.Index, new StockDifference(
                    item.Sku, item.OnHand, stock.OnHand, stock.OnHand - item.OnHand, stock.AsOf, stock.LastWarehouseEventAt, moved)));
            }
        }

        return discrepancies.ToImmutable();
    }

    /// <summary>The whole snapshot's report from its entry in the ledger and the parts its shards hold, in the snapshot's order.</summary>
    public static ReconciliationRecord Assemble(SnapshotEntry entry, string location, IEnumerable<ShardPart> parts)
        => new(entry.SnapshotId, location, entry.TakenAt, entry.ReconciledAt, entry.Compared, entry.Matched,
            [.. parts.SelectMany(p => p.Discrepancies).OrderBy(d => d.Index).Select(d => d.Difference)]);
}
