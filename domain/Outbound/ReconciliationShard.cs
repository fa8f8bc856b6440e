using System.Text.Json.Serialization;

namespace Grid.Domain.Outbound;

/// <summary>
/// One shard of a location's reconciliation: the parts of the latest snapshots whose SKUs hash to it (their
/// discrepancies), newest first, at most <see cref="StockComparison.ReportLimit"/>, and the outbox of their discrepancy
/// events, written with the part. A snapshot is compared once: a shard given it again answers the part it holds.
/// </summary>
public sealed class ReconciliationShard
{
    [JsonInclude] public List<ShardPart> Parts { get; private set; } = [];

    [JsonInclude] public Outbox Outbox { get; private set; } = new();

    public ShardPart? Find(string snapshotId) => Parts.Find(p => p.SnapshotId == snapshotId);

    /// <summary>Compares the shard's lines with Grid's on-hand, keeps the part and puts each discrepancy in the outbox, under <paramref name="subject"/>.</summary>
    public ShardPart Reconcile(ShardCount count, IReadOnlyDictionary<string, GridStock> grid, string subject)
    {
        var part = new ShardPart(count.SnapshotId, count.Items.Length, StockComparison.Compare(count, grid));
        foreach (var d in part.Discrepancies.Select(p => p.Difference))
        {
            Outbox.Add(OutboundEventTypes.ReconciliationDiscrepancy, subject, count.ReconciledAt, new DiscrepancyEventData(
                count.SnapshotId, count.Location, d.Sku, d.ErpOnHand, d.GridOnHand, d.Difference, count.TakenAt, count.ReconciledAt,
                d.LastWarehouseEventAt, d.MovedSinceSnapshot));
        }

        // Parts arrive in the order the location's ledger enters snapshots, so the ledger's latest are always among these.
        Parts.Insert(0, part);
        if (Parts.Count > StockComparison.ReportLimit)
        {
            Parts.RemoveAt(Parts.Count - 1);
        }

        return part;
    }
}
