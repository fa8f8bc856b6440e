using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;

namespace Grid.Domain.Outbound;

/// <summary>
/// One snapshot as its location's ledger knows it: the idempotency record (id and content hash), how many shards it was
/// split over, and the summary once every shard has compared its part. The discrepancies stay with the shards.
/// </summary>
public sealed record SnapshotEntry(
    string SnapshotId, string Fingerprint, DateTimeOffset TakenAt, DateTimeOffset ReconciledAt, int Shards,
    bool Complete = false, int Compared = 0, int Matched = 0, int Discrepancies = 0);

/// <summary>
/// A location's reconciliation ledger: its latest snapshots, newest first, at most <see cref="StockComparison.ReportLimit"/>.
/// A snapshot is entered (<see cref="Begin"/>) and written before its shards compare, so that a retry after a failure
/// half-way goes to the same shards with the same time and a reuse of its id is refused; it is completed once they all
/// answered. Its size is bounded by the limit, whatever the snapshots hold.
/// </summary>
public sealed class ReconciliationLedger
{
    [JsonInclude] public List<SnapshotEntry> Snapshots { get; private set; } = [];

    /// <summary>Whether the location is in the list of locations with reports (the unfiltered report list reads it).</summary>
    [JsonInclude] public bool Listed { get; set; }

    /// <summary>A hash of the snapshot's content: location, time taken and every SKU's count, in SKU order.</summary>
    public static string Fingerprint(ErpStockCount snapshot)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string part) => hash.AppendData(Encoding.UTF8.GetBytes(part + "|"));
        Add(snapshot.Location);
        Add(snapshot.TakenAt.UtcTicks.ToString(CultureInfo.InvariantCulture));
        foreach (var item in snapshot.Items.OrderBy(i => i.Sku, StringComparer.Ordinal))
        {
            Add(string.Create(CultureInfo.InvariantCulture, $"{item.Sku}={item.OnHand}"));
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    public SnapshotEntry? Find(string snapshotId) => Snapshots.Find(s => s.SnapshotId == snapshotId);

    /// <summary>
    /// The entry of a snapshot seen before with the same content; null when it is new. <paramref name="conflict"/>: its id
    /// was used for other content.
    /// </summary>
    public SnapshotEntry? Recall(ErpStockCount snapshot, out bool conflict)
    {
        var entry = Find(snapshot.SnapshotId);
        conflict = entry is not null && entry.Fingerprint != Fingerprint(snapshot);
        return conflict ? null : entry;
    }

    /// <summary>
    /// Enters a new snapshot, to be split over <paramref name="shards"/> shards; the oldest beyond the limit goes
    /// (<paramref name="dropped"/>), and with it the memory of its id.
    /// </summary>
    public SnapshotEntry Begin(ErpStockCount snapshot, int shards, DateTimeOffset now, out SnapshotEntry? dropped)
    {
        var entry = new SnapshotEntry(snapshot.SnapshotId, Fingerprint(snapshot), snapshot.TakenAt, now, shards);
        Snapshots.Insert(0, entry);
        dropped = null;
        if (Snapshots.Count > StockComparison.ReportLimit)
        {
            dropped = Snapshots[^1];
            Snapshots.RemoveAt(Snapshots.Count - 1);
        }

        return entry;
    }

    /// <summary>Every shard compared its part: the entry keeps the totals.</summary>
    public SnapshotEntry Complete(SnapshotEntry entry, IReadOnlyCollection<ShardPart> parts)
    {
        var compared = parts.Sum(p => p.Compared);
        var discrepancies = parts.Sum(p => p.Discrepancies.Length);
        var complete = entry with { Complete = true, Compared = compared, Matched = compared - discrepancies, Discrepancies = discrepancies };
        var at = Snapshots.FindIndex(s => s.SnapshotId == entry.SnapshotId);
        if (at >= 0)
        {
            Snapshots[at] = complete;
        }

        return complete;
    }

    /// <summary>The latest completed snapshots, newest first.</summary>
    public IEnumerable<SnapshotEntry> Latest(int limit) => Snapshots.Where(s => s.Complete).Take(limit);
}
