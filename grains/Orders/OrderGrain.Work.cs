using System.Collections.Immutable;
using Grid.Domain.Orders;
using Grid.Inventory;
using Grid.Kpis;
using Grid.Outbound;
using D = Grid.Domain.Orders;

namespace Grid.Orders;

// Pending work: what a decision asked of other grains, done step by step, each step idempotent.
public sealed partial class OrderGrain
{
    /// <summary>Everything an order may have missed while away: pending work, rings from queues, customers and shipments, its SLA.</summary>
    private async Task CatchUpAsync()
    {
        try
        {
            foreach (var (sku, location) in Order.BackorderQueues().ToList())
            {
                await PullNoticesAsync(sku, location);
            }

            if (Order.Status == D.OrderStatus.OnHold)
            {
                await RefreshCreditAsync();
            }

            var changed = false;
            foreach (var shipment in Order.Shipments.Where(s => s.Registered && s.DeliveredAt is null).ToList())
            {
                if (await GrainFactory.GetGrain<IShipmentGrain>(OrderKeys.Shipment(shipment.ShipmentId)).Get() is { } view)
                {
                    changed |= ApplyShipment(view);
                }
            }

            if (changed)
            {
                await WriteAsync();
            }
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            LogWorkDeferred(ex, OrderId);
        }

        await RunPendingWorkAsync();
        await CheckSlaAsync();
    }

    private bool HasPendingWork()
        => Order.Plan.Count > 0 || Order.PendingTakeovers.Count > 0 || Order.NeedsPlan || Order.PendingReleases.Count > 0 || Order.PendingWithdrawals.Count > 0
        || Order.PendingPicks.Count > 0 || Order.BackordersToQueue().Any() || Order.Shipments.Any(s => !s.Registered)
        || Order.Exceptions.Any(e => !e.Reported) || !Order.Outbox.IsEmpty || (Order.Status == D.OrderStatus.OnHold) != Order.HoldRegistered || Order.NeedsIndexing
        || Order.PendingKpis is { Count: > 0 };

    /// <summary>
    /// Does what the order's state says is still to do, each step idempotent, and writes what it did. A step that fails
    /// for want of a grain or silo is left pending for the next command, ring, reminder or activation.
    /// </summary>
    private async Task RunPendingWorkAsync()
    {
        try
        {
            await TakeOverAsync();
            for (var round = 0; round < 8 && (Order.Plan.Count > 0 || Order.NeedsPlan); round++)
            {
                if (Order.Plan.Count == 0 && !await PlanAsync())
                {
                    break;
                }

                await ReserveAsync();
            }

            var version = Order.Version;
            await QueueBackordersAsync();
            await WithdrawBackordersAsync();

            // Stock off hand first, then the allocation given back: never a moment of ATP that is not there.
            await ApplyPicksAsync();
            await ReleaseAllocationsAsync();
            await RegisterShipmentsAsync();
            await SyncCreditHoldAsync();
            await SyncIndexAsync();
            await RecordKpisAsync();
            if (Order.Version != version)
            {
                await WriteAsync();
            }

            await ReportExceptionsAsync();
            await RelayOutboxAsync();
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            LogWorkDeferred(ex, OrderId);
        }

        await ScheduleSlaAsync();
    }

    /// <summary>
    /// Plans a sourcing round from the ATP of the order's channel at the candidate locations, and writes the plan before
    /// any stock is reserved. False when nothing could be planned (the order was rejected, or has nowhere to look).
    /// </summary>
    private async Task<bool> PlanAsync()
    {
        var request = Order.SourcingRequest();
        var candidates = (await _locations.CandidatesAsync(Order.ShipTo.Region)).Select(l => l.Location).ToList();
        var available = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var bySku in request.GroupBy(l => l.Sku, StringComparer.Ordinal))
        {
            var locations = candidates.Concat(bySku.Where(l => l.RequestedLocation is not null).Select(l => l.RequestedLocation!))
                .Distinct(StringComparer.Ordinal).ToImmutableArray();
            var atp = await GrainFactory.Ref<ISkuGrain>(Identifiers.SkuGrainKey(bySku.Key)).GetAvailability(new AvailabilityQuery(Order.Channel, CustomerId: Order.CustomerId), locations);
            foreach (var location in atp.Locations)
            {
                available[Identifiers.SkuLocationKey(bySku.Key, location.Location)] = location.Available;
            }
        }

        var plan = SourcingPlanner.Plan(request, candidates, Order.AllowSplit, available);
        var verdict = Order.TakePlan(plan, Now);
        switch (verdict.Outcome)
        {
            case PlanOutcome.Rejected:
                LogRejected(OrderId, verdict.Reason!);
                await WriteAsync();
                return false;
            case PlanOutcome.Unsourceable:
                LogUnsourceable(OrderId, verdict.Reason!);
                return false;
            default:
                await WriteAsync();
                return true;
        }
    }

    /// <summary>Reserves and commits each planned leg at its SKU-location, then books what each granted.</summary>
    private async Task ReserveAsync()
    {
        var results = await Task.WhenAll(Order.Plan.Select(ReserveLegAsync));
        var allocated = results.Sum(r => r.Granted);
        var planned = Order.Plan.Sum(l => l.Quantity);
        Order.ApplySourcing(results, Now, planned == allocated
            ? $"sourcing round {Order.SourcingRound}: {allocated} unit(s) allocated"
            : $"sourcing round {Order.SourcingRound}: {allocated} of {planned} unit(s) allocated, the rest backordered");
        await WriteAsync();
    }

    private async Task<LegResult> ReserveLegAsync(PlannedLeg leg)
    {
        var inventory = Inventory(leg.Sku, leg.Location);
        var reserved = await inventory.Reserve(new ReserveStock(
            leg.ReservationId, Order.Channel, leg.Quantity, _options.SourcingReservationTtlSeconds, AllowPartial: true, OrderId: OrderId, CustomerId: Order.CustomerId));
        if (reserved.Code is not (ReservationResultCode.Created or ReservationResultCode.Ok) || reserved.Reservation is not { } reservation)
        {
            return new LegResult(leg.ReservationId, 0);
        }

        if (reservation.Status == ReservationStatus.Committed)
        {
            return new LegResult(leg.ReservationId, reservation.Quantity);
        }

        if (reservation.Status != ReservationStatus.Active)
        {
            return new LegResult(leg.ReservationId, 0);
        }

        var committed = await inventory.Commit(leg.ReservationId, OrderId);
        return new LegResult(leg.ReservationId, committed.Code == ReservationResultCode.Ok ? committed.Reservation!.Quantity : 0);
    }

    private async Task QueueBackordersAsync()
    {
        foreach (var (line, location, backorder) in Order.BackordersToQueue().ToList())
        {
            var promise = await BackorderQueue(line.Sku, location).Enqueue(new BackorderRequest(OrderId, line.LineId, Order.Channel, backorder.Quantity, Order.CustomerId));
            Order.MarkQueued(line.LineId, location, backorder.Quantity, promise.PromisedDate, Now);
        }
    }

    private async Task WithdrawBackordersAsync()
    {
        foreach (var withdrawal in Order.PendingWithdrawals.ToList())
        {
            await BackorderQueue(withdrawal.Sku, withdrawal.Location).Withdraw(OrderId, withdrawal.LineId);
            Order.MarkWithdrawn(withdrawal, Now);
        }
    }

    private async Task ReleaseAllocationsAsync()
    {
        foreach (var release in Order.PendingReleases.ToList())
        {
            await Inventory(release.Sku, release.Location).ReleaseAllocation(OrderId, release.Quantity, release.ReleaseId);
            Order.MarkReleased(release, Now);
        }
    }

    private async Task ApplyPicksAsync()
    {
        foreach (var pick in Order.PendingPicks.ToList())
        {
            await Inventory(pick.Sku, pick.Location).ApplyMovements([new WarehouseMovement(
                pick.EventId, pick.Source, pick.OccurredAt, pick.Effect == StockEffect.ShortPick ? MovementType.ShortPick : MovementType.Pick,
                pick.Quantity, pick.Sequence, pick.Reference, LineId: pick.LineId)]);
            Order.MarkPickApplied(pick, Now);
        }
    }

    private async Task RegisterShipmentsAsync()
    {
        foreach (var shipment in Order.Shipments.Where(s => !s.Registered).ToList())
        {
            var view = await GrainFactory.GetGrain<IShipmentGrain>(OrderKeys.Shipment(shipment.ShipmentId)).Confirm(new ConfirmShipment(
                OrderId, shipment.Location, shipment.Carrier, shipment.TrackingNumber, shipment.ShippedAt, [.. shipment.Lines.Select(l => l.ToContract())]));
            Order.MarkShipmentRegistered(shipment.ShipmentId, Now);

            // Milestones the carrier sent before the warehouse confirmed the shipment.
            ApplyShipment(view);
        }
    }

    private async Task SyncCreditHoldAsync()
    {
        var onHold = Order.Status == D.OrderStatus.OnHold;
        if (onHold == Order.HoldRegistered)
        {
            return;
        }

        var customer = Customer(Order.CustomerId);
        if (onHold)
        {
            await customer.HoldOrder(OrderId);
        }
        else
        {
            await customer.ForgetOrder(OrderId);
        }

        Order.MarkHoldRegistered(onHold, Now);
    }

    private async Task ReportExceptionsAsync()
    {
        var unreported = Order.Exceptions.Where(e => !e.Reported).ToList();
        if (unreported.Count == 0)
        {
            return;
        }

        try
        {
            await GrainFactory.GetGrain<Grid.Exceptions.IExceptionQueueGrain>(0).Report([.. unreported.Select(e => e.ToReport(Order))]);
            Order.MarkExceptionsReported(unreported.Select(e => e.Id), Now);
            await WriteAsync();
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            LogWorkDeferred(ex, OrderId);
        }
    }

    /// <summary>
    /// Hands the outbox (written with the changes that caused it) to the publishers, then writes what they accepted. A
    /// failure leaves it for the next command, ring, reminder or activation: at least once, never lost.
    /// </summary>
    private async Task RelayOutboxAsync()
    {
        if (Order.Outbox.IsEmpty)
        {
            return;
        }

        try
        {
            if (await OutboxRelay.HandOffAsync(GrainFactory, _router, Order.Outbox))
            {
                Order.OutboxSettled(Now);
                await WriteAsync();
            }
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            LogWorkDeferred(ex, OrderId);
        }
    }

    /// <summary>Applies the notices the backorder queue at SKU@LOCATION holds for this order, then acknowledges them.</summary>
    private async Task PullNoticesAsync(string sku, string location)
    {
        var queue = BackorderQueue(sku, location);
        var notices = await queue.GetNotices(OrderId);
        if (notices.IsEmpty)
        {
            return;
        }

        if (notices.Any(n => n.Kind == BackorderNoticeKind.Filled) && OrderLifecycle.IsBeforeRelease(Order.Status))
        {
            // A fill may release the order: release only on the customer's credit as it is now.
            await RefreshCreditAsync();
        }

        foreach (var notice in notices)
        {
            if (notice.Kind == BackorderNoticeKind.Filled)
            {
                Order.ApplyBackorderFill(sku, location, notice.Sequence, notice.LineId, notice.Quantity, Now);
            }
            else
            {
                Order.RevisePromise(sku, location, notice.Sequence, notice.LineId, notice.PromisedDate, notice.Cause, Now);
            }
        }

        await WriteAsync();
        await queue.Acknowledge(OrderId, notices.Max(n => n.Sequence));
    }

    private async Task RefreshCreditAsync()
    {
        var credit = await Customer(Order.CustomerId).GetCredit();
        var version = Order.Version;
        Order.ApplyCredit(credit.Status.ToDomain(), credit.Reason, Now);
        if (Order.Version != version)
        {
            await WriteAsync();
        }
    }

    /// <summary>Applies what a shipment's milestones say to the order (delivery, carrier exceptions); true when it changed.</summary>
    private bool ApplyShipment(ShipmentView shipment)
    {
        if (!string.Equals(shipment.OrderId, OrderId, StringComparison.Ordinal))
        {
            return false;
        }

        var changed = false;
        foreach (var milestone in shipment.Milestones)
        {
            var decision = milestone.Type switch
            {
                MilestoneType.Delivered => Order.RecordDelivery(shipment.ShipmentId, milestone.OccurredAt, milestone.ProofOfDelivery, Now),
                MilestoneType.Exception => Order.RecordCarrierException(shipment.ShipmentId, milestone.EventId, milestone.Detail, milestone.OccurredAt, Now),
                _ => OrderDecision.Unchanged,
            };
            changed |= decision.Outcome == OrderOutcome.Changed;
        }

        return changed;
    }

    /// <summary>
    /// Adds the KPI facts the order decided to the KPI history; they are marked done with the next write. The history
    /// failing never fails the order's own work: the facts stay pending for the next round.
    /// </summary>
    private async Task RecordKpisAsync()
    {
        if (Order.PendingKpis is not { Count: > 0 } pending)
        {
            return;
        }

        var facts = pending.ToList();
        try
        {
            await GrainFactory.RecordKpisAsync(facts);
            Order.MarkKpisRecorded(facts.Count, Now);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogKpisDeferred(ex, OrderId, facts.Count);
        }
    }
}
