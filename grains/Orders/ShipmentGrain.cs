using Grid.Domain.Orders;
using Grid.Infrastructure;
using Grid.Outbound;

namespace Grid.Orders;

/// <summary>
/// One shipment and its carrier milestones. Milestones may come before the warehouse's confirmation; once the shipment
/// knows its order, each new milestone rings the order, which reads the shipment back.
/// </summary>
public sealed class ShipmentGrain(
    [PersistentState("shipment", StorageNames.Grid)] IPersistentState<Shipment> store,
    TimeProvider clock,
    OutboundRouter router) : Grain, IShipmentGrain, IRemindable
{
    private const string ReminderName = "shipment-outbox";

    private Shipment Shipment => store.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Shipment.Identify(OrderKeys.IdOf(this.GetPrimaryKeyString()));
        router.HostOutbox(Shipment.Outbox);
        return Task.CompletedTask;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => RelayAsync();

    /// <summary>Hands the milestone events written with the milestones to the publishers; the reminder retries until they took them.</summary>
    private async Task RelayAsync()
    {
        try
        {
            if (await OutboxRelay.HandOffAsync(GrainFactory, router, Shipment.Outbox))
            {
                await WriteAsync();
            }

            if (Shipment.Outbox.IsEmpty && await this.GetReminder(ReminderName) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            // Left in the outbox: the reminder registered before the write hands it over later.
        }
    }

    public async Task<ShipmentView> Confirm(ConfirmShipment command)
    {
        if (Shipment.Confirm(command.OrderId, command.Location, command.Carrier, command.TrackingNumber, command.ShippedAt,
                [.. command.Lines.Select(l => l.ToDomain())], clock.GetUtcNow()))
        {
            await WriteAsync();
        }

        return Shipment.ToView();
    }

    public async Task<ShipmentView> AddMilestone(MilestoneInput milestone)
    {
        var added = Shipment.AddMilestone(new Milestone(
            milestone.EventId, milestone.Type.ToDomain(), milestone.OccurredAt, clock.GetUtcNow(), milestone.Detail, milestone.ProofOfDelivery));
        if (added)
        {
            if (!Shipment.Outbox.IsEmpty)
            {
                await this.RegisterOrUpdateReminder(ReminderName, router.Options.ReminderPeriod, router.Options.ReminderPeriod);
            }

            await WriteAsync();
            await RelayAsync();
            if (Shipment.OrderId is { } orderId)
            {
                _ = GrainFactory.GetGrain<IOrderGrain>(OrderKeys.Order(orderId)).OnShipmentChanged(Shipment.ShipmentId);
            }
        }

        return Shipment.ToView();
    }

    public Task<ShipmentView?> Get()
        => Task.FromResult(Shipment.IsConfirmed || Shipment.Milestones.Count > 0 ? Shipment.ToView() : null);

    private async Task WriteAsync()
    {
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }
}
