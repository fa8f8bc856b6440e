using System.Collections.Immutable;
using System.Text.Json.Serialization;

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

/// <summary>
/// Reconciliation state and rules (DESIGN §5): compare an ERP stock snapshot with Grid's on-hand per SKU, report the
/// differences and publish each one, never changing either side. Snapshots are idempotent by id.
/// </summary>
public sealed class StockReconciliation
{
    public const int ReportLimit = 200;

    [JsonInclude] public List<ReconciliationRecord> Reports { get; private set; } = [];

    /// <summary>Fingerprints of the snapshots reconciled (id → content hash), so a repeat answers the same and a reuse is refused.</summary>
    [JsonInclude] public Dictionary<string, string> Seen { get; private set; } = new(StringComparer.Ordinal);

    [JsonInclude] public Outbox Outbox { get; private set; } = new();

    public static string Fingerprint(ErpStockCount snapshot)
        => string.Join('|', [snapshot.Location, snapshot.TakenAt.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture),
            .. snapshot.Items.OrderBy(i => i.Sku, StringComparer.Ordinal).Select(i => $"{i.Sku}={i.OnHand}")]);

    /// <summary>The earlier answer to this snapshot id, or a conflict; null when it is new.</summary>
    public ReconcileOutcome? Recall(ErpStockCount snapshot)
    {
        if (!Seen.TryGetValue(snapshot.SnapshotId, out var fingerprint))
        {
            return null;
        }

        return fingerprint == Fingerprint(snapshot)
            ? new ReconcileOutcome(ReconcileCode.Repeated, Reports.FirstOrDefault(r => r.SnapshotId == snapshot.SnapshotId))
            : new ReconcileOutcome(ReconcileCode.Conflict, null);
    }

    /// <summary>Compares and records; each discrepancy goes to the outbox.</summary>
    public ReconciliationRecord Reconcile(ErpStockCount snapshot, IReadOnlyDictionary<string, GridStock> grid, DateTimeOffset now)
    {
        var discrepancies = new List<StockDifference>();
        foreach (var item in snapshot.Items)
        {
            var stock = grid.GetValueOrDefault(item.Sku) ?? new GridStock(0, null, null);
            if (stock.OnHand != item.OnHand)
            {
                var moved = stock.LastWarehouseEventAt is { } last && last > snapshot.TakenAt;
                discrepancies.Add(new StockDifference(item.Sku, item.OnHand, stock.OnHand, stock.OnHand - item.OnHand, stock.AsOf, stock.LastWarehouseEventAt, moved));
            }
        }

        var report = new ReconciliationRecord(snapshot.SnapshotId, snapshot.Location, snapshot.TakenAt, now, snapshot.Items.Length,
            snapshot.Items.Length - discrepancies.Count, [.. discrepancies]);
        foreach (var d in discrepancies)
        {
            Outbox.Add(OutboundEventTypes.ReconciliationDiscrepancy, OutboundSubjects.Reconciliation(snapshot.Location), now, new DiscrepancyEventData(
                snapshot.SnapshotId, snapshot.Location, d.Sku, d.ErpOnHand, d.GridOnHand, d.Difference, snapshot.TakenAt, now, d.LastWarehouseEventAt, d.MovedSinceSnapshot));
        }

        Reports.Insert(0, report);
        if (Reports.Count > ReportLimit)
        {
            var dropped = Reports[^1];
            Reports.RemoveAt(Reports.Count - 1);
            Seen.Remove(dropped.SnapshotId);
        }

        Seen[snapshot.SnapshotId] = Fingerprint(snapshot);
        return report;
    }
}
