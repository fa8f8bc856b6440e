using System.Collections.Immutable;
using Grid.Domain.Outbound;
using Grid.Infrastructure;
using Grid.Inventory;
using Microsoft.Extensions.Logging;

namespace Grid.Outbound;

/// <summary>
/// One shard of a location's reconciliation: reads the SKU-locations of its part of each snapshot, keeps the
/// discrepancies and publishes them through its outbox (written with the part; a reminder keeps an undelivered outbox
/// alive across restarts).
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
