using System.Collections.Immutable;

namespace Grid.Outbound;

/// <summary>One line of a snapshot as a shard gets it, with its place in the snapshot.</summary>
[GenerateSerializer, Immutable, Alias("grid.reconciliation.ShardItem")]
public sealed record ShardItem(
    [property: Id(0)] int Index,
    [property: Id(1)] string Sku,
    [property: Id(2)] long OnHand);

/// <summary>The lines of a snapshot whose SKUs hash to one shard, and the time the whole snapshot is reconciled at.</summary>
[GenerateSerializer, Immutable, Alias("grid.reconciliation.ShardSnapshot")]
public sealed record ShardSnapshot(
    [property: Id(0)] string SnapshotId,
    [property: Id(1)] string Location,
    [property: Id(2)] DateTimeOffset TakenAt,
    [property: Id(3)] DateTimeOffset ReconciledAt,
    [property: Id(4)] ImmutableArray<ShardItem> Items);

[GenerateSerializer, Immutable, Alias("grid.reconciliation.PlacedDiscrepancy")]
public sealed record PlacedDiscrepancy(
    [property: Id(0)] int Index,
    [property: Id(1)] StockDiscrepancy Discrepancy);

/// <summary>What one shard found for its part of a snapshot: how many lines it compared and the differences.</summary>
[GenerateSerializer, Immutable, Alias("grid.reconciliation.ShardPart")]
public sealed record ShardPartReport(
    [property: Id(0)] string SnapshotId,
    [property: Id(1)] int Compared,
    [property: Id(2)] ImmutableArray<PlacedDiscrepancy> Discrepancies);

/// <summary>
/// One location's reconciliation (key: the location): the ledger of its latest snapshots (ids, content hashes and
/// summaries, at most 200), which splits each snapshot over its shards and assembles their parts into the report.
/// </summary>
[Alias("grid.reconciliation.IReconciliationLocationGrain")]
public interface IReconciliationLocationGrain : IGrainWithStringKey
{
    [Alias("Reconcile")]
    Task<ReconcileResult> Reconcile(StockSnapshot snapshot);

    /// <summary>The location's latest reports, newest first.</summary>
    [Alias("GetReports")]
    Task<ImmutableArray<ReconciliationReport>> GetReports(int limit);
}

/// <summary>
/// One shard of a location's reconciliation (key <c>LOCATION/N</c>, see <see cref="ReconciliationKeys"/>): compares the
/// lines whose SKUs hash to it, keeps their discrepancies and publishes them through its outbox.
/// </summary>
[Alias("grid.reconciliation.IReconciliationShardGrain")]
public interface IReconciliationShardGrain : IGrainWithStringKey
{
    /// <summary>Compares its part of a snapshot; given a snapshot it compared before, answers that part again.</summary>
    [Alias("Reconcile")]
    Task<ShardPartReport> Reconcile(ShardSnapshot snapshot);

    /// <summary>The parts it holds of these snapshots.</summary>
    [Alias("GetParts")]
    Task<ImmutableArray<ShardPartReport>> GetParts(ImmutableArray<string> snapshotIds);
}

/// <summary>The locations that have reconciliation reports (one grain, key 0): written once per new location, read by the unfiltered list.</summary>
[Alias("grid.reconciliation.IReconciliationLocationsGrain")]
public interface IReconciliationLocationsGrain : IGrainWithIntegerKey
{
    [Alias("Add")]
    Task Add(string location);

    [Alias("List")]
    Task<ImmutableArray<string>> List();
}

/// <summary>
/// One partition of the snapshot ids in use (key: a hash of the id), so that an id taken at one location is refused at
/// another. A location claims an id before it enters the snapshot and releases it when its ledger forgets the snapshot.
/// </summary>
[Alias("grid.reconciliation.IReconciliationSnapshotIdsGrain")]
public interface IReconciliationSnapshotIdsGrain : IGrainWithIntegerKey
{
    /// <summary>True when the id is free or already this location's; false when another location holds it.</summary>
    [Alias("Claim")]
    Task<bool> Claim(string snapshotId, string location);

    [Alias("Release")]
    Task Release(string snapshotId, string location);
}

public static class ReconciliationKeys
{
    /// <summary>The key of a location's shard: <c>DC1/3</c> (locations hold no '/').</summary>
    public static string Shard(string location, int shard) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{location}/{shard}");

    /// <summary>The shard number of a shard key.</summary>
    public static int ShardOf(string key) => int.Parse(key.AsSpan(key.LastIndexOf('/') + 1), System.Globalization.CultureInfo.InvariantCulture);
}
