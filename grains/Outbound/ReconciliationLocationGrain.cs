using System.Collections.Immutable;
using Grid.Domain.Kpis;
using Grid.Domain.Outbound;
using Grid.Exceptions;
using Grid.Infrastructure;
using Grid.Kpis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grid.Outbound;

/// <summary>
/// One location's reconciliation: its ledger of the latest snapshots (ids, content hashes, summaries) answers repeats
/// and refuses reused ids; each new snapshot is split by SKU over the location's shards, which compare and publish, and
/// their parts are assembled into the report. The ledger enters a snapshot before the shards see it and completes it
/// once they all answered, so a retry after a failure half-way finishes the same comparison. It tells the exception
/// queue what the whole snapshot found, as one report and one clearance.
/// </summary>
public sealed partial class ReconciliationLocationGrain(
    [PersistentState("reconciliation", StorageNames.Grid)] IPersistentState<ReconciliationLedger> store,
    IOptions<ReconciliationOptions> options,
    TimeProvider clock,
    ILogger<ReconciliationLocationGrain> logger) : Grain, IReconciliationLocationGrain
{
    private ReconciliationLedger State => store.State;

    private string Location => this.GetPrimaryKeyString();

    public async Task<ReconcileResult> Reconcile(StockSnapshot snapshot)
    {
        var count = snapshot.ToDomain();
        var entry = State.Recall(count, out var conflict);
        if (conflict)
        {
            return new ReconcileResult(ReconcileCode.Conflict, null);
        }

        if (entry is null)
        {
            if (!await Ids(count.SnapshotId).Claim(count.SnapshotId, Location))
            {
                // Another location holds the id: other content under it, as before the ledgers were per location.
                return new ReconcileResult(ReconcileCode.Conflict, null);
            }

            if (!State.Listed)
            {
                await GrainFactory.GetGrain<IReconciliationLocationsGrain>(0).Add(Location);
                State.Listed = true;
            }

            entry = State.Begin(count, options.Value.Shards, clock.GetUtcNow(), out var dropped);
            await store.WriteStateAsync();
            if (dropped is not null)
            {
                await Ids(dropped.SnapshotId).Release(dropped.SnapshotId, Location);
            }
        }

        var started = entry;
        var parts = (await Task.WhenAll(StockComparison.Split(count, entry.Shards).Select(lines => Shard(lines.Key).Reconcile(new ShardSnapshot(
            started.SnapshotId, Location, started.TakenAt, started.ReconciledAt, [.. lines.Select(l => new ShardItem(l.Index, l.Sku, l.OnHand))])))))
            .Select(p => p.ToDomain()).ToList();
        var code = Grid.Domain.Outbound.ReconcileCode.Repeated;
        if (!entry.Complete)
        {
            entry = State.Complete(entry, parts);
            await store.WriteStateAsync();
            code = Grid.Domain.Outbound.ReconcileCode.Reconciled;
            var drift = parts.SelectMany(p => p.Discrepancies).Sum(d => Math.Abs(d.Difference.Difference));
            GridInstruments.ReconciliationDiscrepancies.Add(entry.Discrepancies);
            GrainFactory.TellKpis(KpiFact.Reconciled(entry.ReconciledAt, Location, drift, entry.Discrepancies));
            LogReconciled(entry.SnapshotId, Location, entry.Compared, entry.Discrepancies, entry.Shards);
        }

        var report = StockComparison.Assemble(entry, Location, parts);
        await TellExceptionQueueAsync(report, count);
        return new ReconcileOutcome(code, report).ToContract();
    }

    public async Task<ImmutableArray<ReconciliationReport>> GetReports(int limit)
    {
        var entries = State.Latest(limit).ToList();
        if (entries.Count == 0)
        {
            return [];
        }

        ImmutableArray<string> ids = [.. entries.Select(e => e.SnapshotId)];
        var held = await Task.WhenAll(Enumerable.Range(0, entries.Max(e => e.Shards))
            .Select(async shard => (Shard: shard, Parts: await Shard(shard).GetParts(ids))));
        var parts = held.SelectMany(h => h.Parts.Select(p => (h.Shard, Part: p))).ToLookup(h => h.Part.SnapshotId, StringComparer.Ordinal);
        return [.. entries.Select(e => StockComparison.Assemble(e, Location, parts[e.SnapshotId].Where(h => h.Shard < e.Shards).Select(h => h.Part.ToDomain())).ToContract())];
    }

    /// <summary>
    /// Each discrepancy opens (or counts into) an exception about its SKU-location; each SKU the snapshot found in
    /// agreement resolves that SKU-location's open discrepancy, by the system. Told on a repeat too: the caller may be
    /// retrying after the queue missed this report (it counts each once).
    /// </summary>
    private async Task TellExceptionQueueAsync(ReconciliationRecord report, ErpStockCount snapshot)
    {
        var queue = GrainFactory.GetGrain<IExceptionQueueGrain>(0);
        var differing = report.Discrepancies.Select(d => d.Sku).ToHashSet(StringComparer.Ordinal);
        var reports = report.Discrepancies.Select(d => new ExceptionReportInput(
            ExceptionKind.ReconciliationDiscrepancy,
            new ExceptionSubject(ExceptionSubjectType.SkuLocation, Identifiers.SkuLocationKey(d.Sku, report.Location)),
            $"Snapshot {report.SnapshotId}: the ERP counts {d.ErpOnHand}, Grid holds {d.GridOnHand} (difference {d.Difference})"
                + (d.MovedSinceSnapshot ? "; Grid applied movements after the snapshot was taken, so it may be timing." : "."),
            report.ReconciledAt,
            $"{report.SnapshotId}/{d.Sku}",
            Sku: d.Sku,
            Location: report.Location,
            Reference: report.SnapshotId));
        var cleared = snapshot.Items.Where(i => !differing.Contains(i.Sku)).Select(i => new ExceptionClearanceInput(
            ExceptionKind.ReconciliationDiscrepancy,
            new ExceptionSubject(ExceptionSubjectType.SkuLocation, Identifiers.SkuLocationKey(i.Sku, report.Location)),
            $"Snapshot {report.SnapshotId} agrees with Grid ({i.OnHand}).",
            report.ReconciledAt));
        await Task.WhenAll(queue.Report([.. reports]), queue.Clear([.. cleared]));
    }

    private IReconciliationSnapshotIdsGrain Ids(string snapshotId)
        => GrainFactory.GetGrain<IReconciliationSnapshotIdsGrain>(ReconciliationSnapshotIdsGrain.PartitionOf(snapshotId));

    private IReconciliationShardGrain Shard(int shard) => GrainFactory.GetGrain<IReconciliationShardGrain>(ReconciliationKeys.Shard(Location, shard));

    [LoggerMessage(EventId = 1501, EventName = "StockSnapshotReconciled", Level = LogLevel.Information,
        Message = "Stock snapshot {SnapshotId} for {Location}: {Compared} SKU(s) compared, {Discrepancies} discrepancies, over {Shards} shard(s)")]
    private partial void LogReconciled(string snapshotId, string location, int compared, int discrepancies, int shards);
}
