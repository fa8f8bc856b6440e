using System.Collections.Immutable;
using Grid.Domain;
using Grid.Domain.Outbound;
using Grid.Infrastructure;
using Grid.Orders;
using Grid.Outbound;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Grid.Inventory;

/// <summary>
/// One SKU at one location. Commands decide against <see cref="SkuLocationInventory"/> in memory, then wait for a
/// group-committed storage write before they are acknowledged; ATP reads come from the last durable snapshot.
/// </summary>
/// <remarks>
/// <see cref="ReentrantAttribute"/> is what lets commands gather behind a write in flight. It is safe because no
/// command awaits between checking and changing the inventory: each decision runs to completion in one synchronous
/// step on the activation's single thread, so two reservations can never both see the same last unit.
/// </remarks>
[Reentrant]
public sealed partial class InventoryGrain : Grain, IInventoryGrain
{
    private readonly IPersistentState<SkuLocationInventory> _store;
    private readonly TimeProvider _clock;
    private readonly InventoryOptions _options;
    private readonly InventoryRules _rules;
    private readonly ILogger<InventoryGrain> _logger;
    private readonly GroupCommit _commits;
    private readonly OutboundRouter _router;
    private bool _handingOff;
    private long _writingSequence;
    private long _durableSequence;

    private SkuLocationInventory _inventory = new();
    private AvailabilitySnapshot _durable = null!;
    private IGrainTimer? _expiryTimer;
    private long _storedHanded;
    private bool _registeredWithSku;

    public InventoryGrain(
        [PersistentState("inventory", StorageNames.Inventory)] IPersistentState<SkuLocationInventory> store,
        TimeProvider clock,
        IOptions<InventoryOptions> options,
        OutboundRouter router,
        ILogger<InventoryGrain> logger)
    {
        _router = router;
        _store = store;
        _clock = clock;
        _options = options.Value;
        _rules = _options.ToRules();
        _logger = logger;
        _commits = new GroupCommit(WriteAsync);
    }

    private DateTimeOffset Now => _clock.GetUtcNow();

    /// <summary><c>SKU@LOCATION</c>, for logs: made when needed rather than held by every activation.</summary>
    private string Key => Identifiers.SkuLocationKey(_inventory.Sku, _inventory.Location);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        if (!Identifiers.TryParseSkuLocationKey(key, out var sku, out var location))
        {
            throw new ArgumentException($"'{key}' is not a SKU@LOCATION key.");
        }

        _inventory = _store.State;
        _inventory.Identify(sku, location);
        _durable = _inventory.IsEmpty ? AvailabilityProjection.Empty(sku, location) : _inventory.ToSnapshot();
        _registeredWithSku = _store.RecordExists;

        // Reservations that fell due while no silo held this SKU-location expire now, in memory; their write waits for
        // the timer, due at once. Writing here would tell the SKU grain, and a SKU grain activating at that moment asks
        // this grain for its snapshot, which it cannot answer before its own activation ends (a 30 s deadlock).
        var expiredWhileInactive = ExpireInMemory(Now);
        _durableSequence = _inventory.OutboundSequence;
        _storedHanded = _inventory.OutboundHanded;
        ScheduleExpiryTimer(immediately: expiredWhileInactive || _inventory.OutboundPending);
        return Task.CompletedTask;
    }

    // ---------------------------------------------------------------- reads

    public Task<LocationAvailability> GetAvailability(AvailabilityQuery query)
    {
        GridInstruments.AtpQueries.Add(1);
        return Task.FromResult(_durable.ToAvailability(query, Now, _options.StaleAfter));
    }

    public Task<AvailabilitySnapshot> GetSnapshot() => Task.FromResult(_durable);

    public Task<InventoryDetail> GetDetail() => Task.FromResult(_inventory.ToDetail(Now, _options.StaleAfter));

    public async Task<ReservationResult> GetReservation(string reservationId)
    {
        var decision = _inventory.GetReservation(reservationId);
        await _commits.WhenDurable();
        return Map(decision);
    }

    // ---------------------------------------------------------------- reservations

    public async Task<ReservationResult> Reserve(ReserveStock command)
    {
        var decision = _inventory.Reserve(command.ToDomain(), Now, _rules);
        await DurableAsync(decision.Changed);

        switch (decision.Code)
        {
            case DecisionCode.Created:
                GridInstruments.ReservationsGranted.Add(1);
                break;
            case DecisionCode.InsufficientStock:
                GridInstruments.ReservationsRefused.Add(1);
                LogReservationRefused(Key, command.ReservationId, command.Quantity, decision.Available);
                break;
        }

        return Map(decision);
    }

    public async Task<ReservationResult> Commit(string reservationId, string? orderId)
    {
        var decision = _inventory.Commit(reservationId, orderId, Now);
        await DurableAsync(decision.Changed);
        return Map(decision);
    }

    public async Task<ReservationResult> Release(string reservationId)
    {
        var decision = _inventory.Release(reservationId, Now);
        await DurableAsync(decision.Changed);
        return Map(decision);
    }

    public async Task<ReservationResult> Extend(string reservationId, int ttlSeconds)
    {
        var decision = _inventory.Extend(reservationId, ttlSeconds, Now, _rules);
        await DurableAsync(decision.Changed);
        return Map(decision);
    }

    public async Task<long> ReleaseAllocation(string orderId, long quantity, string releaseId)
    {
        var released = _inventory.ReleaseAllocation(orderId, quantity, releaseId, Now, _rules);
        await DurableAsync(released > 0);
        return released;
    }

    public Task WatchBackorders(bool waiting) => DurableAsync(_inventory.WatchBackorders(waiting));

    // ---------------------------------------------------------------- policy and movements

    public async Task<PolicyResult> SetPolicy(InventoryPolicy policy)
    {
        if (_inventory.SetPolicy(policy.SafetyStock, policy.RingFences, Now) is { } problem)
        {
            return new PolicyResult(null, problem.Field, problem.Reason);
        }

        await DurableAsync(changed: true);
        return new PolicyResult(_durable.ToAvailability(AvailabilityQuery.Now, Now, _options.StaleAfter));
    }

    public async Task<ImmutableArray<MovementOutcome>> ApplyMovements(ImmutableArray<WarehouseMovement> movements)
    {
        var now = Now;
        var outcomes = ImmutableArray.CreateBuilder<MovementOutcome>(movements.Length);
        var changed = false;
        foreach (var movement in movements)
        {
            var (outcome, applied) = Decide(movement, now);
            changed |= applied;
            outcomes.Add(outcome);
        }

        await DurableAsync(changed);
        return outcomes.MoveToImmutable();
    }

    // ---------------------------------------------------------------- queued events
    // Warehouse and supplier events arrive from this SKU-location's stream partition (InventoryPartitionGrain). The
    // queue forgets them only once this returns, after the write that holds their effect; a redelivery after a crash
    // carries a queue position at or before the last one applied and changes nothing.

    public async Task ApplyDelivered(ImmutableArray<DeliveredMovement> movements)
    {
        var now = Now;
        var changed = false;
        var applied = new List<(DateTimeOffset OccurredAt, DateTimeOffset? AcceptedAt)>(movements.Length);
        foreach (var delivered in movements)
        {
            if (delivered.Mark is { } position)
            {
                var mark = new DeliveryMark(position.Transaction, position.Message, position.Index);
                if (_inventory.WasDelivered(mark))
                {
                    GridInstruments.EventsRedelivered.Add(1);
                    continue;
                }

                changed |= _inventory.MarkDelivered(mark);
            }

            var (outcome, effect) = Decide(delivered.Movement, now);
            changed |= effect;
            if (outcome.Code == MovementOutcomeCode.Rejected)
            {
                GridInstruments.EventsRejected.Add(1);
                LogQueuedEventRejected(Key, outcome.EventId, outcome.Detail);
            }
            else
            {
                applied.Add((delivered.Movement.OccurredAt, delivered.AcceptedAt));
            }
        }

        await DurableAsync(changed);

        var appliedAt = Now;
        GridInstruments.EventsApplied.Add(applied.Count);
        foreach (var (occurredAt, acceptedAt) in applied)
        {
            GridInstruments.WarehouseEventLag.Record(Math.Max(0, (appliedAt - occurredAt).TotalSeconds));
            if (acceptedAt is { } accepted)
            {
                GridInstruments.EventToAtp.Record(Math.Max(0, (appliedAt - accepted).TotalSeconds));
            }
        }
    }

    private (MovementOutcome Outcome, bool Changed) Decide(WarehouseMovement movement, DateTimeOffset now)
    {
        var decision = _inventory.Apply(movement.ToDomain(), now, _rules);
        if (decision.Flagged)
        {
            GridInstruments.InvariantViolations.Add(1);
            LogMovementFlagged(Key, movement.EventId, movement.Type, decision.Detail);
        }

        return (decision.ToContract(), decision.Result is MovementResult.Applied or MovementResult.Superseded);
    }

    // ---------------------------------------------------------------- expiry
    // While active, a timer expires reservations on the second. A SKU-location no silo holds is woken by the
    // cluster's expiry sweep, which finds it through the next expiry stored with its state.

    public Task SweepExpired() => SweepExpiredAsync();

    private async Task SweepExpiredAsync()
    {
        ExpireInMemory(Now);
        await _commits.WhenDurable();

        // An availability change written but not handed over before a crash: the sweep (or activation) sends it now.
        await HandOffAvailabilityAsync();
        if (_inventory.OutboundHanded > _storedHanded)
        {
            // Handed over, but no write since has said so.
            await DurableAsync(changed: true);
        }
    }

    /// <summary>Expires what is due and prunes closed reservations; true when the state changed.</summary>
    private bool ExpireInMemory(DateTimeOffset now)
    {
        var expired = _inventory.ExpireDue(now);
        var pruned = _inventory.PruneClosedReservations(now, _rules);
        if (expired.Count > 0)
        {
            GridInstruments.ReservationsExpired.Add(expired.Count);
            LogReservationsExpired(Key, expired.Count);
        }

        var changed = expired.Count > 0 || pruned > 0;
        if (changed)
        {
            _commits.MarkChanged();
        }

        return changed;
    }

    private void ScheduleExpiryTimer(bool immediately = false)
    {
        if (_inventory.NextExpiry is not { } next && !immediately)
        {
            _expiryTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        var due = immediately ? TimeSpan.Zero : _inventory.NextExpiry!.Value - Now;
        if (due < TimeSpan.Zero)
        {
            due = TimeSpan.Zero;
        }

        if (_expiryTimer is null)
        {
            _expiryTimer = this.RegisterGrainTimer(
                static (grain, _) => grain.OnExpiryTimerAsync(),
                this,
                new GrainTimerCreationOptions { DueTime = due, Period = Timeout.InfiniteTimeSpan, Interleave = true });
        }
        else
        {
            _expiryTimer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task OnExpiryTimerAsync()
    {
        await SweepExpiredAsync();
        ScheduleExpiryTimer();
    }

    // ---------------------------------------------------------------- durability

    private Task DurableAsync(bool changed)
    {
        if (changed)
        {
            _commits.MarkChanged();
        }

        return _commits.WhenDurable();
    }

    private async Task WriteAsync()
    {
        try
        {
            if (!_registeredWithSku)
            {
                // Before the first write, so that the SKU knows every location that holds anything.
                await GrainFactory.Ref<ISkuGrain>(Identifiers.SkuGrainKey(_inventory.Sku)).RegisterLocation(_inventory.ToSnapshot());
                _registeredWithSku = true;
            }

            // The inventory storage takes what changed from the live state before its first await, so commands
            // decided while this write is in flight are not part of it and wait for the next one.
            MarkAvailabilityChange();
            _store.State = _inventory;
            var snapshot = _inventory.ToSnapshot();
            var handed = _inventory.OutboundHanded;
            await _store.WriteStateAsync();
            _storedHanded = Math.Max(_storedHanded, handed);

            var before = _durable;
            _durable = snapshot;
            ScheduleExpiryTimer();
            if (_inventory.BackordersWaiting && BackorderWatch.StockOrSupplyGrew(before, snapshot))
            {
                _ = GrainFactory.Ref<IBackorderQueueGrain>(Key).OnStockChanged();
            }
        }
        catch (Exception ex)
        {
            LogWriteFailed(ex, Key);
            DeactivateOnIdle();
            throw;
        }

        _durableSequence = _writingSequence;
        if (_inventory.OutboundPending)
        {
            _ = HandOffAvailabilityAsync();
        }

        // Awaited before the callers are answered, so that network ATP read after a change already shows it. The
        // change is durable by now: if the SKU grain cannot be told, it catches up from this grain when it reactivates.
        try
        {
            await GrainFactory.Ref<ISkuGrain>(Identifiers.SkuGrainKey(_inventory.Sku)).OnLocationChanged(_durable);
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            LogSkuNotified(ex, Key);
        }
    }

    // ---------------------------------------------------------------- outbound availability (transactional outbox, latest wins)

    /// <summary>Numbers the change about to be written for the availability outbox, when its figures changed and a target wants them.</summary>
    private void MarkAvailabilityChange()
    {
        _writingSequence = _inventory.OutboundSequence;
        if (_router.TargetsFor(OutboundEventTypes.AvailabilityChanged.Type).Count == 0)
        {
            return;
        }

        var now = _inventory.ToSnapshot();
        var before = _durable;
        if (now.OnHand != before.OnHand || now.Damaged != before.Damaged || now.Quarantine != before.Quarantine
            || now.SafetyStock != before.SafetyStock || now.Reserved != before.Reserved || now.Allocated != before.Allocated
            || !now.Inbound.SequenceEqual(before.Inbound) || !now.RingFences.SequenceEqual(before.RingFences))
        {
            _inventory.MarkAvailabilityChanged(Now);
        }

        _writingSequence = _inventory.OutboundSequence;
    }

    /// <summary>
    /// Hands the latest durable availability to the publishers of the targets that want it; once all accepted, the
    /// outbox slot is marked handed and written soon (with the next change, or on its own). A failure leaves it
    /// pending for the next write, sweep or activation.
    /// </summary>
    private async Task HandOffAvailabilityAsync()
    {
        if (_handingOff)
        {
            return;
        }

        _handingOff = true;
        try
        {
            // Only what is durable is handed over, with the number it was written under; a newer change written
            // meanwhile goes round again.
            while (_durableSequence > _inventory.OutboundHanded)
            {
                await HandOffDurableAvailabilityAsync(_durableSequence);
            }
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            LogHandOffDeferred(ex, Key);
        }
        finally
        {
            _handingOff = false;
        }
    }

    private async Task HandOffDurableAvailabilityAsync(long sequence)
    {
        var subject = OutboundSubjects.Inventory(_inventory.Sku, _inventory.Location);
        var a = _durable.ToAvailability(AvailabilityQuery.Now, Now, _options.StaleAfter);
        var data = new AvailabilityEventData(
            _inventory.Sku, _inventory.Location, a.Available, a.OnHand, a.Damaged, a.Quarantine, a.SafetyStock, a.Reserved, a.Allocated,
            [.. a.Inbound.Select(i => new InboundEventData(i.Quantity, i.Eta, i.Reference))], a.AsOf, a.LastWarehouseEventAt, a.Stale);
        var e = new OutboundEvent(OutboundMapping.NewEventId(), OutboundEventTypes.AvailabilityChanged.Type, subject, _durable.AsOf ?? Now, sequence, OutboundJson.Serialize(data), OutboundMapping.CurrentTrace());
        var partition = _router.PartitionOf(subject);
        foreach (var target in _router.TargetsFor(e.Type))
        {
            await GrainFactory.Ref<IOutboundPublisherGrain>(OutboundRouter.PublisherKey(target, partition)).Accept([e]);
        }

        // The mark that every target accepted it goes with the next write. Until then the stored state asks the expiry
        // sweep for this SKU-location; the sweep hands the change over again (publishers drop it as a repeat) and, if
        // no change came meanwhile, writes the mark on its own.
        _inventory.MarkAvailabilityHanded(sequence);
    }

    private ReservationResult Map(ReservationDecision decision) => decision.ToContract(_inventory.Sku, _inventory.Location);

    [LoggerMessage(EventId = 1101, EventName = "ReservationRefused", Level = LogLevel.Debug,
        Message = "{Key}: reservation {ReservationId} for {Quantity} refused, {Available} available")]
    private partial void LogReservationRefused(string key, string reservationId, long quantity, long available);

    [LoggerMessage(EventId = 1102, EventName = "ReservationsExpired", Level = LogLevel.Information,
        Message = "{Key}: expired {Count} reservation(s)")]
    private partial void LogReservationsExpired(string key, int count);

    [LoggerMessage(EventId = 1103, EventName = "MovementFlagged", Level = LogLevel.Warning,
        Message = "{Key}: movement {EventId} ({Type}) flagged for reconciliation: {Detail}")]
    private partial void LogMovementFlagged(string key, string eventId, MovementType type, string? detail);

    [LoggerMessage(EventId = 1105, EventName = "SkuNotificationFailed", Level = LogLevel.Warning,
        Message = "{Key}: the SKU grain could not be told of a change; network ATP catches up with the next change or when it reactivates")]
    private partial void LogSkuNotified(Exception exception, string key);

    [LoggerMessage(EventId = 1106, EventName = "QueuedEventRejected", Level = LogLevel.Warning,
        Message = "{Key}: queued event {EventId} could not be applied: {Detail}")]
    private partial void LogQueuedEventRejected(string key, string eventId, string? detail);

    [LoggerMessage(EventId = 1107, EventName = "AvailabilityHandOffDeferred", Level = LogLevel.Warning,
        Message = "{Key}: the availability change could not be handed to a publisher; it is sent with the next change, sweep or activation")]
    private partial void LogHandOffDeferred(Exception exception, string key);

    [LoggerMessage(EventId = 1104, EventName = "InventoryWriteFailed", Level = LogLevel.Error,
        Message = "{Key}: inventory write failed; the activation will reload from storage")]
    private partial void LogWriteFailed(Exception exception, string key);
}
