using System.Text.Json.Serialization;
using Grid.Domain.Outbound;
using Grid.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Grid.Outbound;

/// <summary>
/// What an older Grid's single reconciliation grain left behind: its row (<c>reconciliation</c>, key 0) and the
/// reminder that relays its outbox. The grain keeps that type name so the stored reminder finds it after an upgrade;
/// it hands the discrepancy events still in the outbox to their publishers, then removes its reminder and its row. The
/// reports it held are not carried over (reconciliation is per location now: <see cref="ReconciliationLocationGrain"/>).
/// </summary>
public sealed partial class ReconciliationGrain(
    [PersistentState("reconciliation", StorageNames.Grid)] IPersistentState<ReconciliationLeftover> store,
    OutboundRouter router,
    ILogger<ReconciliationGrain> logger) : Grain, IReconciliationLeftoverGrain, IRemindable
{
    private const string ReminderName = "reconciliation-outbox";

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        router.HostOutbox(store.State.Outbox);
        return Task.CompletedTask;
    }

    public async Task<int> Drain()
    {
        var outbox = store.State.Outbox;
        if (!store.RecordExists)
        {
            return 0;
        }

        try
        {
            await OutboxRelay.RelayAndSettleReminderAsync(this, GrainFactory, router, outbox, store.WriteStateAsync, ReminderName);
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            LogLeftoverDeferred(ex, outbox.Entries.Count);
            return outbox.Entries.Count;
        }

        if (outbox.IsEmpty)
        {
            await store.ClearStateAsync();
            LogLeftoverCleared();
            DeactivateOnIdle();
        }

        return outbox.Entries.Count;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => Drain();

    [LoggerMessage(EventId = 1503, EventName = "ReconciliationLeftoverCleared", Level = LogLevel.Information,
        Message = "The single reconciliation grain of an earlier Grid handed on its last discrepancy events; its row and reminder are gone")]
    private partial void LogLeftoverCleared();

    [LoggerMessage(EventId = 1504, EventName = "ReconciliationLeftoverDeferred", Level = LogLevel.Warning,
        Message = "The {Count} discrepancy event(s) left by an earlier Grid's reconciliation grain could not be handed on; its reminder tries again")]
    private partial void LogLeftoverDeferred(Exception exception, int count);
}

/// <summary>The part of an older Grid's reconciliation row still of use: the outbox. The rest of the row is ignored.</summary>
public sealed class ReconciliationLeftover
{
    public ReconciliationLeftover()
    {
    }

    /// <summary>A row as an older Grid left it (for tests).</summary>
    internal ReconciliationLeftover(Outbox outbox) => Outbox = outbox;

    [JsonInclude] public Outbox Outbox { get; private set; } = new();
}
