using System.Collections.Immutable;
using Grid.Domain.Kpis;
using Grid.Domain.Outbound;
using Grid.Exceptions;
using Grid.Infrastructure;
using Grid.Inventory;
using Grid.Kpis;
using Microsoft.Extensions.Logging;

namespace Grid.Outbound;

/// <summary>
/// Compares the ERP's stock snapshots with the SKU-locations' on-hand, keeps the reports and publishes the discrepancies
/// through its outbox (written with the report; a reminder keeps an undelivered outbox alive across restarts).
/// </summary>
public sealed partial class ReconciliationGrain(
    [PersistentState("reconciliation", StorageNames.Grid)] IPersistentState<StockReconciliation> store,
    OutboundRouter router,
    TimeProvider clock,
    ILogger<ReconciliationGrain> logger) : Grain, IReconciliationGrain, IRemindable
{
    private const string ReminderName = "reconciliation-outbox";
    private const int ReadsAtOnce = 256;

    private StockReconciliation State => store.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        router.HostOutbox(State.Outbox);
        return Task.CompletedTask;
    }

    public async Task<ReconcileResult> Reconcile(StockSnapshot snapshot)
    {
        var count = snapshot.ToDomain();
        if (State.Recall(count) is { } earlier)
        {
            if (earlier.Report is { } stored)
            {
                // A repeat may be the caller retrying after the queue missed this report: tell it again (it counts each once).
                await TellExceptionQueueAsync(stored, count);
            }

            await RelayAsync();
            return earlier.ToContract();
        }

        var grid = new Dictionary<string, GridStock>(StringComparer.Ordinal);
        foreach (var chunk in snapshot.Items.Chunk(ReadsAtOnce))
        {
            var read = await Task.WhenAll(chunk.Select(async item =>
            {
                var s = await GrainFactory.GetGrain<IInventoryGrain>(Identifiers.SkuLocationKey(item.Sku, snapshot.Location)).GetSnapshot();
                return (item.Sku, Stock: new GridStock(s.OnHand, s.AsOf, s.LastWarehouseEventAt));
            }));
            foreach (var (sku, stock) in read)
            {
                grid[sku] = stock;
            }
        }

        var report = State.Reconcile(count, grid, clock.GetUtcNow());
        if (!State.Outbox.IsEmpty)
        {
            await this.RegisterOrUpdateReminder(ReminderName, router.Options.ReminderPeriod, router.Options.ReminderPeriod);
        }

        await store.WriteStateAsync();
        GridInstruments.ReconciliationDiscrepancies.Add(report.Discrepancies.Length);
        GrainFactory.TellKpis(KpiFact.Reconciled(report.ReconciledAt, report.Location, report.Discrepancies.Sum(d => Math.Abs(d.Difference)), report.Discrepancies.Length));
        LogReconciled(snapshot.SnapshotId, snapshot.Location, report.Compared, report.Discrepancies.Length);
        await TellExceptionQueueAsync(report, count);
        await RelayAsync();
        return new ReconcileResult(Grid.Outbound.ReconcileCode.Reconciled, report.ToContract());
    }

    public Task<ImmutableArray<ReconciliationReport>> GetReports(string? location, int limit)
        => Task.FromResult(State.Reports.Where(r => location is null || r.Location == location).Take(limit).Select(r => r.ToContract()).ToImmutableArray());

    /// <summary>
    /// Each discrepancy opens (or counts into) an exception about its SKU-location; each SKU the snapshot found in
    /// agreement resolves that SKU-location's open discrepancy, by the system.
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

    public async Task ReceiveReminder(string reminderName, TickStatus status) => await RelayAsync();

    private async Task RelayAsync()
    {
        try
        {
            await OutboxRelay.RelayAndSettleReminderAsync(this, GrainFactory, router, State.Outbox, store.WriteStateAsync, ReminderName);
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            LogRelayDeferred(ex);
        }
    }

    [LoggerMessage(EventId = 1501, EventName = "StockSnapshotReconciled", Level = LogLevel.Information,
        Message = "Stock snapshot {SnapshotId} for {Location}: {Compared} SKU(s) compared, {Discrepancies} discrepancies")]
    private partial void LogReconciled(string snapshotId, string location, int compared, int discrepancies);

    [LoggerMessage(EventId = 1502, EventName = "ReconciliationRelayDeferred", Level = LogLevel.Warning,
        Message = "Discrepancy events could not be handed to a publisher; the reminder tries again")]
    private partial void LogRelayDeferred(Exception exception);
}
