using System.Collections.Immutable;
using Grid.Domain.Outbound;
using Grid.Exceptions;
using Grid.Infrastructure;
using Grid.Inventory;
using Microsoft.Extensions.Logging;

namespace Grid.Outbound;

/// <summary>
/// One shard of a location's reconciliation: reads the SKU-locations of its part of each snapshot, keeps the
/// discrepancies and publishes them through its outbox (written with the part; a reminder keeps an undelivered outbox
/// alive across restarts). It reports each discrepancy to the exception queue and clears the SKUs found in agreement.
/// </summary>
public sealed partial class ReconciliationShardGrain(
    [PersistentState("reconciliation", StorageNames.Grid)] IPersistentState<ReconciliationShard> store,
    OutboundRouter router,
    ILogger<ReconciliationShardGrain> logger) : Grain, IReconciliationShardGrain, IRemindable
{
    private const string ReminderName = "reconciliation-outbox";
    private const int ReadsAtOnce = 256;

    private ReconciliationShard State => store.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        router.HostOutbox(State.Outbox);
        return Task.CompletedTask;
    }

    public async Task<ShardPartReport> Reconcile(ShardSnapshot snapshot)
    {
        var count = snapshot.ToDomain();
        if (State.Find(count.SnapshotId) is not { } part)
        {
            var grid = await ReadGridAsync(count);
            part = State.Reconcile(count, grid, OutboundSubjects.Reconciliation(count.Location, ReconciliationKeys.ShardOf(this.GetPrimaryKeyString())));
            if (!State.Outbox.IsEmpty)
            {
                await this.RegisterOrUpdateReminder(ReminderName, router.Options.ReminderPeriod, router.Options.ReminderPeriod);
            }

            await store.WriteStateAsync();
        }

        // Told on a repeat too: the caller may be retrying after the queue missed this part (it counts each once).
        await TellExceptionQueueAsync(count, part);
        await RelayAsync();
        return part.ToContract();
    }

    public Task<ImmutableArray<ShardPartReport>> GetParts(ImmutableArray<string> snapshotIds)
        => Task.FromResult(snapshotIds.Select(State.Find).OfType<ShardPart>().Select(p => p.ToContract()).ToImmutableArray());

    private async Task<Dictionary<string, GridStock>> ReadGridAsync(ShardCount count)
    {
        var grid = new Dictionary<string, GridStock>(StringComparer.Ordinal);
        foreach (var chunk in count.Items.Chunk(ReadsAtOnce))
        {
            var read = await Task.WhenAll(chunk.Select(async item =>
            {
                var s = await GrainFactory.GetGrain<IInventoryGrain>(Identifiers.SkuLocationKey(item.Sku, count.Location)).GetSnapshot();
                return (item.Sku, Stock: new GridStock(s.OnHand, s.AsOf, s.LastWarehouseEventAt));
            }));
            foreach (var (sku, stock) in read)
            {
                grid[sku] = stock;
            }
        }

        return grid;
    }

    /// <summary>
    /// Each discrepancy opens (or counts into) an exception about its SKU-location; each SKU the snapshot found in
    /// agreement resolves that SKU-location's open discrepancy, by the system.
    /// </summary>
    private async Task TellExceptionQueueAsync(ShardCount count, ShardPart part)
    {
        var queue = GrainFactory.GetGrain<IExceptionQueueGrain>(0);
        var differing = part.Discrepancies.Select(d => d.Difference.Sku).ToHashSet(StringComparer.Ordinal);
        var reports = part.Discrepancies.Select(p => p.Difference).Select(d => new ExceptionReportInput(
            ExceptionKind.ReconciliationDiscrepancy,
            new ExceptionSubject(ExceptionSubjectType.SkuLocation, Identifiers.SkuLocationKey(d.Sku, count.Location)),
            $"Snapshot {count.SnapshotId}: the ERP counts {d.ErpOnHand}, Grid holds {d.GridOnHand} (difference {d.Difference})"
                + (d.MovedSinceSnapshot ? "; Grid applied movements after the snapshot was taken, so it may be timing." : "."),
            count.ReconciledAt,
            $"{count.SnapshotId}/{d.Sku}",
            Sku: d.Sku,
            Location: count.Location,
            Reference: count.SnapshotId));
        var cleared = count.Items.Where(i => !differing.Contains(i.Sku)).Select(i => new ExceptionClearanceInput(
            ExceptionKind.ReconciliationDiscrepancy,
            new ExceptionSubject(ExceptionSubjectType.SkuLocation, Identifiers.SkuLocationKey(i.Sku, count.Location)),
            $"Snapshot {count.SnapshotId} agrees with Grid ({i.OnHand}).",
            count.ReconciledAt));
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

    [LoggerMessage(EventId = 1502, EventName = "ReconciliationRelayDeferred", Level = LogLevel.Warning,
        Message = "Discrepancy events could not be handed to a publisher; the reminder tries again")]
    private partial void LogRelayDeferred(Exception exception);
}
