using System.Collections.Immutable;
using Grid.Domain;
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
[SkuAffinityPlacement]
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
    private readonly LocalSkuViews _localViews;

    private SkuLocationInventory _inventory = new();
    private AvailabilitySnapshot _durable = null!;
    private IGrainTimer? _expiryTimer;
    private bool _owesFeedWrite;
    private bool _registeredWithSku;

    public InventoryGrain(
        [PersistentState("inventory", StorageNames.Inventory)] IPersistentState<SkuLocationInventory> store,
        TimeProvider clock,
        IOptions<InventoryOptions> options,
        OutboundRouter router,
        LocalSkuViews localViews,
        ILogger<InventoryGrain> logger)
    {
        _router = router;
        _localViews = localViews;
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
        _inventory.WantsEvent = _router.WantsEvent;
        _inventory.OutboxHost = _router.HostOutbox;
        MarkAfterWriteWorkDurable(_inventory.OutboxSequence, _inventory.ViolationsRecorded);
        _selfCheckMayBeOpen = _inventory.ViolationsRecorded > 0;
        _durable = _inventory.IsEmpty ? AvailabilityProjection.Empty(sku, location) : _inventory.ToSnapshot();
        _registeredWithSku = _store.RecordExists;

        // Reservations that fell due while no silo held this SKU-location expire now, in memory; their write waits for
        // the timer, due at once. Writing here would tell the SKU grain, and a SKU grain activating at that moment asks
        // this grain for its snapshot, which it cannot answer before its own activation ends (a 30 s deadlock).
        var expiredWhileInactive = ExpireInMemory(Now);
        _inventory.OweQuotaReport();
        if (_inventory.TakeQuotaReport() is { } quotaReport)
        {
            // The product allocation may have missed the last report (a crash between the write and the report).
            _ = ReportQuotaAsync(quotaReport);
        }

        // Stored by a build that handed availability to publishers, with a change not handed over: a write moves this
        // SKU-location in the availability feed, from which it is delivered.
        _owesFeedWrite = _inventory.ForgetOldAvailabilityOutbox();
        ScheduleExpiryTimer(immediately: expiredWhileInactive || _owesFeedWrite || HasAfterWriteWork);
        return Task.CompletedTask;
    }

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

    public Task<ReservationResult> Reserve(ReserveStock command)
        => NeedsQuota(command) ? ReserveWithinQuotaAsync(command) : ReserveAsync(command, null);

    private async Task<ReservationResult> ReserveAsync(ReserveStock command, QuotaTicket? quota)
    {
        var decision = _inventory.Reserve(command.ToDomain(quota), Now, _rules);
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

    public Task WatchBackorders(long demand) => DurableAsync(_inventory.WatchBackorders(demand, Now));

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
        QuotaReport? quotaReport = null;
        try
        {
            if (!_registeredWithSku)
            {
                // Before the first write, so that the SKU knows every location that holds anything.
                var allocated = await GrainFactory.Ref<ISkuGrain>(Identifiers.SkuGrainKey(_inventory.Sku)).RegisterLocation(_inventory.ToSnapshot());
                _registeredWithSku = true;
                if (allocated)
                {
                    // The SKU has a product allocation: from this write on, reservations here ask for quota.
                    _inventory.ControlByQuota(true, Now);
                }
            }

            // The inventory storage takes what changed from the live state before its first await, so commands
            // decided while this write is in flight are not part of it and wait for the next one.
            _store.State = _inventory;
            var snapshot = _inventory.ToSnapshot();
            var (outboxSequence, violations) = (_inventory.OutboxSequence, _inventory.ViolationsRecorded);
            quotaReport = _inventory.TakeQuotaReport();
            await _store.WriteStateAsync();
            MarkAfterWriteWorkDurable(outboxSequence, violations);
            _owesFeedWrite = false;

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
            if (quotaReport is not null)
            {
                _inventory.QuotaReportFailed(quotaReport);
            }

            LogWriteFailed(ex, Key);
            DeactivateOnIdle();
            throw;
        }

        if (quotaReport is not null)
        {
            _ = ReportQuotaAsync(quotaReport);
        }

        if (HasAfterWriteWork)
        {
            _ = RelayAfterWriteAsync();
        }
        else if (_selfCheckMayBeOpen)
        {
            _ = ClearSelfCheckIfPassedAsync();
        }

        // One-way, sent before the callers are answered: the SKU grain takes it before any read a caller sends after
        // its answer (on one silo its messages are taken in the order sent), without the write waiting for it. The
        // change is durable by now: if the message is lost, the SKU grain catches up with the next change here or from
        // this grain's snapshot when it reactivates. When the SKU grain is active in this silo its view, which the API
        // here reads without calling it, takes the change now too.
        _localViews.Keep(_inventory.Sku, _durable);
        _ = GrainFactory.Ref<ISkuGrain>(Identifiers.SkuGrainKey(_inventory.Sku)).OnLocationChanged(_durable);
    }

    private ReservationResult Map(ReservationDecision decision) => decision.ToContract(_inventory.Sku, _inventory.Location);
}
