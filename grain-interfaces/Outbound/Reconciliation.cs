using System.Collections.Immutable;

namespace Grid.Outbound;

[GenerateSerializer, Immutable, Alias("grid.reconciliation.SnapshotItem")]
public sealed record SnapshotItem(
    [property: Id(0)] string Sku,
    [property: Id(1)] long OnHand);

/// <summary>The ERP's stock count for one location at one moment.</summary>
[GenerateSerializer, Immutable, Alias("grid.reconciliation.StockSnapshot")]
public sealed record StockSnapshot(
    [property: Id(0)] string SnapshotId,
    [property: Id(1)] string Location,
    [property: Id(2)] DateTimeOffset TakenAt,
    [property: Id(3)] ImmutableArray<SnapshotItem> Items);

/// <summary>
/// One SKU whose ERP on-hand differs from Grid's. <see cref="MovedSinceSnapshot"/>: Grid applied warehouse movements
/// after the snapshot was taken, so the difference may be timing rather than drift.
/// </summary>
[GenerateSerializer, Immutable, Alias("grid.reconciliation.Discrepancy")]
public sealed record StockDiscrepancy(
    [property: Id(0)] string Sku,
    [property: Id(1)] long ErpOnHand,
    [property: Id(2)] long GridOnHand,
    [property: Id(3)] long Difference,
    [property: Id(4)] DateTimeOffset? GridAsOf,
    [property: Id(5)] DateTimeOffset? LastWarehouseEventAt,
    [property: Id(6)] bool MovedSinceSnapshot);

[GenerateSerializer, Immutable, Alias("grid.reconciliation.Report")]
public sealed record ReconciliationReport(
    [property: Id(0)] string SnapshotId,
    [property: Id(1)] string Location,
    [property: Id(2)] DateTimeOffset TakenAt,
    [property: Id(3)] DateTimeOffset ReconciledAt,
    [property: Id(4)] int Compared,
    [property: Id(5)] int Matched,
    [property: Id(6)] ImmutableArray<StockDiscrepancy> Discrepancies);

[GenerateSerializer, Alias("grid.reconciliation.ReconcileCode")]
public enum ReconcileCode
{
    /// <summary>Compared now.</summary>
    Reconciled = 0,

    /// <summary>This snapshot was reconciled before: the same report.</summary>
    Repeated = 1,

    /// <summary>The snapshot id was used before for a different snapshot.</summary>
    Conflict = 2,
}

[GenerateSerializer, Immutable, Alias("grid.reconciliation.ReconcileResult")]
public sealed record ReconcileResult(
    [property: Id(0)] ReconcileCode Code,
    [property: Id(1)] ReconciliationReport? Report);

/// <summary>
/// The front of stock reconciliation (a stateless worker, key 0; holds nothing): it hands each snapshot to its location's
/// <see cref="IReconciliationLocationGrain"/>, and merges the locations' reports for the list. Neither side is changed.
/// </summary>
[Alias("grid.reconciliation.IReconciliationGrain")]
public interface IReconciliationGrain : IGrainWithIntegerKey
{
    /// <summary>Compares the snapshot, or answers the report of a repeat (a conflict for other content under its id).</summary>
    [Alias("Reconcile")]
    Task<ReconcileResult> Reconcile(StockSnapshot snapshot);

    /// <summary>The latest reports, newest first, optionally for one location.</summary>
    [Alias("GetReports")]
    Task<ImmutableArray<ReconciliationReport>> GetReports(string? location, int limit);
}

/// <summary>
/// The single reconciliation grain of Grid before reconciliation was split by location and shard (key 0): after an
/// upgrade it only hands on the discrepancy events its stored outbox still held, then removes its reminder and its row.
/// </summary>
[Alias("grid.reconciliation.IReconciliationLeftoverGrain")]
public interface IReconciliationLeftoverGrain : IGrainWithIntegerKey
{
    /// <summary>Hands on what the stored outbox holds; answers how many events are still waiting for a publisher.</summary>
    [Alias("Drain")]
    Task<int> Drain();
}
