using System.Collections.Immutable;
using Grid.Domain;
using Grid.Domain.Orders;
using Grid.Infrastructure;
using Grid.Inventory;
using Grid.Outbound;
using Grid.Streams;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Orleans.Streams.Core;
using D = Grid.Domain.Orders;

namespace Grid.Orders;

/// <summary>
/// One order. Commands decide against <see cref="Order"/> in memory and are written before anything else is asked of
/// another grain; then the order does its pending work (reserve and commit stock, queue and withdraw backorders, give
/// allocations back, tell SKU-locations of picks, register shipments, hand exceptions to ops), each step idempotent,
/// and writes again. A failure in that work leaves it pending: the next command, ring, reminder or activation resumes it.
/// </summary>
/// <remarks>
/// Not reentrant: an order is one customer's and sees a handful of calls. It waits only on grains that never wait on
/// it (SKU-locations, the SKU grain, the location directory, backorder queues, customers, shipments, the ops list);
/// those tell it of changes with one-way rings, and it reads the change from them.
/// </remarks>
[ImplicitStreamSubscription(GridStreams.Orders)]
public sealed partial class OrderGrain : Grain, IOrderGrain, IRemindable, IStreamSubscriptionObserver, IAsyncBatchObserver<OrderWarehouseEvent>
{
    private const string SlaReminderName = "order-sla";

    private readonly IPersistentState<Order> _store;
    private readonly TimeProvider _clock;
    private readonly OrderOptions _options;
    private readonly SlaPolicy _sla;
    private readonly ILogger<OrderGrain> _logger;
    private readonly OutboundRouter _router;
    private IGrainTimer? _slaTimer;
    private bool _reminderRegistered;

    public OrderGrain(
        [PersistentState("order", StorageNames.Grid)] IPersistentState<Order> store,
        TimeProvider clock,
        IOptions<OrderOptions> options,
        OutboundRouter router,
        ILogger<OrderGrain> logger)
    {
        _router = router;
        _store = store;
        _clock = clock;
        _options = options.Value;
        _sla = _options.ToSlaPolicy();
        _logger = logger;
    }

    private Order Order => _store.State;

    private string OrderId => OrderKeys.IdOf(this.GetPrimaryKeyString());

    private DateTimeOffset Now => _clock.GetUtcNow();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Order.Outbox.Host(WantsEvent);
        if (!Order.IsEmpty)
        {
            await CatchUpAsync();
        }
    }

    // ---------------------------------------------------------------- commands

    public async Task<OrderResult> Submit(SubmitOrder command)
    {
        var submission = command.ToDomain();
        if (!Order.IsEmpty)
        {
            var resubmitted = Order.CheckResubmission(submission);
            if (resubmitted.IsError)
            {
                return Refusal(resubmitted);
            }

            await RunPendingWorkAsync();
            return Answer(OrderResultCode.Ok);
        }

        var order = Order.Submit(submission, Now, WantsEvent);
        var credit = await Customer(command.CustomerId).GetCredit();
        order.ApplyCredit(credit.Status.ToDomain(), credit.Reason, Now);
        _store.State = order;
        await WriteAsync();
        GridInstruments.OrdersSubmitted.Add(1);
        LogSubmitted(OrderId, command.CustomerId, command.Lines.Length);

        await RunPendingWorkAsync();
        return Answer(OrderResultCode.Created);
    }

    public Task<OrderResult> Get()
        => Task.FromResult(Order.IsEmpty ? NotFound() : Answer(OrderResultCode.Ok));

    public Task<OrderTimelineView?> GetTimeline() => Task.FromResult(Order.IsEmpty ? null : Order.ToTimeline());

    public Task<OrderResult> Cancel(string reason) => DecideAsync(order => order.Cancel(reason, Now));

    public Task<OrderResult> PostInvoice(PostInvoice command)
        => DecideAsync(order => order.PostInvoice(
            command.InvoiceId,
            command.Lines is { } lines ? [.. lines.Select(l => new InvoiceLine(l.LineId, l.Quantity))] : null,
            command.PostedAt,
            Now));

    public Task<OrderResult> AuthorizeReturn(AuthorizeReturn command)
        => DecideAsync(order => order.AuthorizeReturn(command.ReturnId, [.. command.Lines.Select(l => new ReturnLineRequest(l.LineId, l.Quantity))], Now));

    public async Task<OrderResult> ApplyWarehouseEvents(ImmutableArray<OrderWarehouseEvent> events)
    {
        if (Order.IsEmpty)
        {
            return NotFound();
        }

        var changed = false;
        foreach (var e in events)
        {
            changed |= Apply(e);
        }

        await AfterChangeAsync(changed);
        return Answer(OrderResultCode.Ok);
    }

    public async Task<OrderResult> CheckSla()
    {
        if (Order.IsEmpty)
        {
            return NotFound();
        }

        await CheckSlaAsync();
        return Answer(OrderResultCode.Ok);
    }

    // ---------------------------------------------------------------- rings from the grains this order calls

    public async Task OnBackorderNotices(string location)
    {
        if (Order.IsEmpty || !Identifiers.TryParseSkuLocationKey(location, out var sku, out var at))
        {
            return;
        }

        await PullNoticesAsync(sku, at);
        await AfterChangeAsync(changed: false);
    }

    public async Task OnCreditChanged()
    {
        if (Order.IsEmpty)
        {
            return;
        }

        await RefreshCreditAsync();
        await AfterChangeAsync(changed: false);
    }

    public async Task OnShipmentChanged(string shipmentId)
    {
        if (Order.IsEmpty)
        {
            return;
        }

        var shipment = await GrainFactory.GetGrain<IShipmentGrain>(OrderKeys.Shipment(shipmentId)).Get();
        await AfterChangeAsync(shipment is not null && ApplyShipment(shipment));
    }

    // ---------------------------------------------------------------- warehouse events on the order's stream
    // Acknowledged (and deleted from its queue) once this returns, after the write that holds its effect; a redelivery
    // carries a queue position at or before the last one applied and changes nothing.

    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory)
        => handleFactory.Create<OrderWarehouseEvent>().ResumeAsync(this);

    public async Task OnNextAsync(IList<SequentialItem<OrderWarehouseEvent>> items)
    {
        if (Order.IsEmpty)
        {
            await ForUnknownOrderAsync(items);
            return;
        }

        var changed = false;
        foreach (var item in items)
        {
            if (item.Token is QueuePosition position)
            {
                var mark = new DeliveryMark(position.TransactionId, position.MessageId, position.EventIndex);
                if (Order.WasDelivered(mark))
                {
                    continue;
                }

                Order.MarkDelivered(mark);
                changed = true;
            }

            changed |= Apply(item.Item);
        }

        await AfterChangeAsync(changed);
    }

    /// <summary>
    /// An order Grid never took (its stock was reserved and committed through the reservations API alone): its picks
    /// and short picks go to their SKU-location as they came, with the order id, so that it takes the units off hand
    /// and out of that order's allocation in one step. Nothing is stored here; the SKU-location drops a repeat.
    /// </summary>
    private async Task ForUnknownOrderAsync(IList<SequentialItem<OrderWarehouseEvent>> items)
    {
        foreach (var e in items.Select(i => i.Item))
        {
            LogEventForUnknownOrder(OrderId, e.EventId, e.Type);
            if (e.Type is OrderEventType.Pick or OrderEventType.ShortPick && e.Sku is not null)
            {
                await Inventory(e.Sku, e.Location).ApplyMovements([new WarehouseMovement(
                    e.EventId, e.Source, e.OccurredAt, e.Type == OrderEventType.Pick ? MovementType.Pick : MovementType.ShortPick, e.Quantity,
                    e.Sequence, e.Reference, e.Reason, OrderId, e.LineId)]);
            }
        }
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    private bool Apply(OrderWarehouseEvent e)
    {
        var at = new WarehouseEventRef(e.Source, e.EventId, e.OccurredAt, e.Sequence, e.Reference);
        var exceptionsBefore = Order.ExceptionCount;
        var decision = e.Type switch
        {
            OrderEventType.Pick => Order.ApplyPick(at, e.LineId ?? "", e.Sku ?? "", e.Location, e.Quantity, Now),
            OrderEventType.ShortPick => Order.ApplyShortPick(at, e.LineId ?? "", e.Sku ?? "", e.Location, e.Quantity, Now),
            OrderEventType.ShipConfirm => Order.ConfirmShipment(at, e.ShipmentId ?? e.EventId, e.Location, e.Carrier, e.TrackingNumber,
                [.. (e.Lines.IsDefault ? [] : e.Lines).Select(l => l.ToDomain())], Now),
            OrderEventType.ReturnReceived => Order.ReceiveReturn(at, e.ReturnId ?? "", e.Sku ?? "", e.Location, e.Quantity,
                (e.Disposition ?? ReturnDisposition.Restock).ToDomain(), Now),
            _ => OrderDecision.Unchanged,
        };

        if (Order.ExceptionCount > exceptionsBefore)
        {
            GridInstruments.OrderExceptions.Add(Order.ExceptionCount - exceptionsBefore);
            LogExceptionRaised(OrderId, Order.Exceptions[^1].Kind, Order.Exceptions[^1].Detail);
        }

        return decision.Outcome == OrderOutcome.Changed;
    }

    // ---------------------------------------------------------------- SLA watch
    // While active, a timer checks on the second the current status outlasts its threshold. An order no silo holds is
    // woken by its reminder, which also catches up on rings it may have missed.

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (Order.IsEmpty)
        {
            await StopReminderAsync();
            return;
        }

        await CatchUpAsync();
    }

    private async Task CheckSlaAsync()
    {
        if (Order.CheckSla(_sla, Now))
        {
            GridInstruments.SlaBreaches.Add(1);
            GridInstruments.OrderExceptions.Add(1);
            LogSlaBreached(OrderId, Order.Status, Order.Exceptions[^1].Detail);
            await WriteAsync();
            await ReportExceptionsAsync();
            await RelayOutboxAsync();
        }

        await ScheduleSlaAsync();
    }

    private async Task ScheduleSlaAsync()
    {
        if (Order.NextSlaDeadline(_sla) is { } deadline)
        {
            var due = deadline - Now;
            if (due < TimeSpan.Zero)
            {
                due = TimeSpan.Zero;
            }

            if (_slaTimer is null)
            {
                _slaTimer = this.RegisterGrainTimer(
                    static (grain, _) => grain.CheckSlaAsync(),
                    this,
                    new GrainTimerCreationOptions { DueTime = due, Period = Timeout.InfiniteTimeSpan });
            }
            else
            {
                _slaTimer.Change(due, Timeout.InfiniteTimeSpan);
            }
        }
        else
        {
            _slaTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        if (OrderLifecycle.IsTerminal(Order.Status) && !HasPendingWork())
        {
            await StopReminderAsync();
        }
        else if (!_reminderRegistered)
        {
            await this.RegisterOrUpdateReminder(SlaReminderName, _options.SlaReminderPeriod, _options.SlaReminderPeriod);
            _reminderRegistered = true;
        }
    }

    private async Task StopReminderAsync()
    {
        if (await this.GetReminder(SlaReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        _reminderRegistered = false;
    }

    // ---------------------------------------------------------------- pending work

    private async Task<OrderResult> DecideAsync(Func<Order, OrderDecision> decide)
    {
        if (Order.IsEmpty)
        {
            return NotFound();
        }

        var decision = decide(Order);
        if (decision.IsError)
        {
            LogRefused(OrderId, Order.Status, decision.Detail);
            return Refusal(decision);
        }

        await AfterChangeAsync(decision.Outcome == OrderOutcome.Changed);
        return Answer(OrderResultCode.Ok);
    }

    /// <summary>Writes a decided change, then does the work it left pending.</summary>
    private async Task AfterChangeAsync(bool changed)
    {
        if (changed)
        {
            await WriteAsync();
        }

        await RunPendingWorkAsync();
    }

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
        => Order.Plan.Count > 0 || Order.NeedsPlan || Order.PendingReleases.Count > 0 || Order.PendingWithdrawals.Count > 0
        || Order.PendingPicks.Count > 0 || Order.BackordersToQueue().Any() || Order.Shipments.Any(s => !s.Registered)
        || Order.Exceptions.Any(e => !e.Reported) || !Order.Outbox.IsEmpty || (Order.Status == D.OrderStatus.OnHold) != Order.HoldRegistered;

    /// <summary>
    /// Does what the order's state says is still to do, each step idempotent, and writes what it did. A step that fails
    /// for want of a grain or silo is left pending for the next command, ring, reminder or activation.
    /// </summary>
    private async Task RunPendingWorkAsync()
    {
        try
        {
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
        var candidates = (await Directory.Candidates(Order.ShipTo.Region)).Select(l => l.Location).ToList();
        var available = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var bySku in request.GroupBy(l => l.Sku, StringComparer.Ordinal))
        {
            var locations = candidates.Concat(bySku.Where(l => l.RequestedLocation is not null).Select(l => l.RequestedLocation!))
                .Distinct(StringComparer.Ordinal).ToImmutableArray();
            var atp = await GrainFactory.Ref<ISkuGrain>(Identifiers.SkuGrainKey(bySku.Key)).GetAvailability(new AvailabilityQuery(Order.Channel), locations);
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
            leg.ReservationId, Order.Channel, leg.Quantity, _options.SourcingReservationTtlSeconds, AllowPartial: true, OrderId: OrderId));
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
            var promise = await BackorderQueue(line.Sku, location).Enqueue(new BackorderRequest(OrderId, line.LineId, Order.Channel, backorder.Quantity));
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
            await GrainFactory.GetGrain<IOrderExceptionsGrain>(OrderKeys.Singleton).Record([.. unreported.Select(e => e.ToView(Order))]);
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

    private bool WantsEvent(string type) => _router.TargetsFor(type).Count > 0;

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

    // ---------------------------------------------------------------- helpers

    private IInventoryGrain Inventory(string sku, string location) => GrainFactory.Ref<IInventoryGrain>(Identifiers.SkuLocationKey(sku, location));

    private IBackorderQueueGrain BackorderQueue(string sku, string location) => GrainFactory.GetGrain<IBackorderQueueGrain>(OrderKeys.BackorderQueue(sku, location));

    private ICustomerGrain Customer(string customerId) => GrainFactory.GetGrain<ICustomerGrain>(OrderKeys.Customer(customerId));

    private ILocationDirectoryGrain Directory => GrainFactory.GetGrain<ILocationDirectoryGrain>(OrderKeys.Singleton);

    private OrderResult Answer(OrderResultCode code) => new(code, Order.ToView());

    private static OrderResult NotFound() => new(OrderResultCode.NotFound, null, "No such order.");

    private OrderResult Refusal(OrderDecision decision) => new(
        decision.Outcome switch
        {
            OrderOutcome.Conflict => OrderResultCode.Conflict,
            OrderOutcome.Invalid => OrderResultCode.Invalid,
            _ => OrderResultCode.Refused,
        },
        Order.IsEmpty ? null : Order.ToView(),
        decision.Detail,
        decision.Field);

    private async Task WriteAsync()
    {
        try
        {
            await _store.WriteStateAsync();
        }
        catch (Exception ex)
        {
            // Memory is now ahead of storage: the next activation starts again from what storage holds.
            LogWriteFailed(ex, OrderId);
            DeactivateOnIdle();
            throw;
        }
    }

    [LoggerMessage(EventId = 1201, EventName = "OrderSubmitted", Level = LogLevel.Information,
        Message = "Order {OrderId} submitted for customer {CustomerId} with {Lines} line(s)")]
    private partial void LogSubmitted(string orderId, string customerId, int lines);

    [LoggerMessage(EventId = 1202, EventName = "OrderRejected", Level = LogLevel.Information, Message = "Order {OrderId} rejected: {Reason}")]
    private partial void LogRejected(string orderId, string reason);

    [LoggerMessage(EventId = 1203, EventName = "OrderCommandRefused", Level = LogLevel.Debug, Message = "Order {OrderId} ({Status}) refused a command: {Detail}")]
    private partial void LogRefused(string orderId, D.OrderStatus status, string? detail);

    [LoggerMessage(EventId = 1204, EventName = "OrderExceptionRaised", Level = LogLevel.Warning, Message = "Order {OrderId}: {Kind}: {Detail}")]
    private partial void LogExceptionRaised(string orderId, D.OrderExceptionKind kind, string detail);

    [LoggerMessage(EventId = 1205, EventName = "OrderSlaBreached", Level = LogLevel.Warning, Message = "Order {OrderId} breached its SLA while {Status}: {Detail}")]
    private partial void LogSlaBreached(string orderId, D.OrderStatus status, string detail);

    [LoggerMessage(EventId = 1206, EventName = "OrderWorkDeferred", Level = LogLevel.Warning,
        Message = "Order {OrderId}: pending work deferred (a grain or silo did not answer); it resumes with the next command, ring or reminder")]
    private partial void LogWorkDeferred(Exception exception, string orderId);

    [LoggerMessage(EventId = 1207, EventName = "OrderUnsourceable", Level = LogLevel.Warning, Message = "Order {OrderId}: units left unsourced: {Reason}")]
    private partial void LogUnsourceable(string orderId, string reason);

    [LoggerMessage(EventId = 1208, EventName = "WarehouseEventForUnknownOrder", Level = LogLevel.Debug,
        Message = "Order {OrderId} is not known to Grid: {Type} event {EventId} goes to its SKU-location as it came")]
    private partial void LogEventForUnknownOrder(string orderId, string eventId, OrderEventType type);

    [LoggerMessage(EventId = 1209, EventName = "OrderWriteFailed", Level = LogLevel.Error, Message = "Order {OrderId}: write failed; the activation will reload from storage")]
    private partial void LogWriteFailed(Exception exception, string orderId);
}
