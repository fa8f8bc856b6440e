using System.Collections.Immutable;
using Grid.Domain;
using Grid.Domain.Orders;
using Grid.Infrastructure;
using Grid.Inventory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grid.Orders;

/// <summary>
/// The backorders waiting at one SKU-location, first come, first served. Its SKU-location rings it (one-way) when stock
/// or inbound supply grows; it then reserves and commits stock for the oldest entries, promises the rest from the
/// supply due, and rings each order it has news for. It calls only its SKU-location, and never waits on an order.
/// </summary>
/// <remarks>
/// The SKU-location knows how many units the entries wait for (<see cref="IInventoryGrain.WatchBackorders"/>, told
/// whenever that changes): it holds free stock for them in the same step that applies a receipt or release, so a sales
/// channel's reservation made before the queue reserves cannot take it. The queue's reservations
/// (<see cref="ReserveStock.ForBackorders"/>) take the held stock and release the hold as they are granted.
/// </remarks>
public sealed partial class BackorderQueueGrain(
    [PersistentState("backorders", StorageNames.Grid)] IPersistentState<BackorderQueue> store,
    TimeProvider clock,
    IOptions<OrderOptions> options,
    ILogger<BackorderQueueGrain> logger) : Grain, IBackorderQueueGrain
{
    private string _sku = "";
    private string _location = "";

    private BackorderQueue Queue => store.State;

    private IInventoryGrain Inventory => GrainFactory.GetGrain<IInventoryGrain>(this.GetPrimaryKeyString());

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        if (!Identifiers.TryParseSkuLocationKey(key, out var sku, out var location))
        {
            throw new ArgumentException($"'{key}' is not a SKU@LOCATION key.");
        }

        (_sku, _location) = (sku, location);

        // A queue stored before its SKU-location was told how many units it waits for (or whose telling was lost with a
        // crash) tells it now, so that stock is held for its entries from the next receipt on. The SKU-location never
        // waits on this queue, so the call cannot deadlock; what was told is written with the next change.
        try
        {
            await WatchAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Not marked as told: the next enqueue, withdrawal or fill tells it again.
            LogWatchDeferred(ex, _sku, _location);
        }

        // Notices an order never acknowledged (its ring was lost with a silo): ring again.
        RingOrders();
    }

    public async Task<BackorderPromise> Enqueue(BackorderRequest request)
    {
        Queue.Enqueue(request.OrderId, request.LineId, request.Channel, request.Quantity, clock.GetUtcNow(), request.CustomerId);

        // Told before the supply is read, so that stock arriving from now on rings this queue.
        await WatchAsync();
        var snapshot = await Inventory.GetSnapshot();
        Queue.Promise(Available(snapshot), Supply(snapshot), clock.GetUtcNow(), (request.OrderId, request.LineId));
        await WriteAsync();
        RingOrders();

        if (Available(snapshot) > 0)
        {
            await FillAsync();
        }

        var entry = Queue.Find(request.OrderId, request.LineId);
        return entry is null
            ? new BackorderPromise(0, null, null, -1)
            : new BackorderPromise(entry.Quantity, entry.PromisedDate, entry.PromisedFrom, Queue.Entries.IndexOf(entry));
    }

    public async Task Withdraw(string orderId, string lineId)
    {
        if (!Queue.Withdraw(orderId, lineId))
        {
            return;
        }

        // Those behind it may now be promised earlier.
        var snapshot = await Inventory.GetSnapshot();
        Queue.Promise(Available(snapshot), Supply(snapshot), clock.GetUtcNow());
        await WatchAsync();
        await WriteAsync();
        RingOrders();
    }

    public Task<ImmutableArray<BackorderNoticeView>> GetNotices(string orderId)
        => Task.FromResult<ImmutableArray<BackorderNoticeView>>([.. Queue.NoticesFor(orderId)
            .Select(n => new BackorderNoticeView(n.Sequence, (BackorderNoticeKind)n.Kind, n.LineId, n.Quantity, n.PromisedDate, n.Cause))]);

    public async Task Acknowledge(string orderId, long sequence)
    {
        if (Queue.Acknowledge(orderId, sequence))
        {
            await WriteAsync();
        }
    }

    public async Task OnStockChanged()
    {
        if (!Queue.IsWaiting)
        {
            await WatchAsync();
            await WriteAsync();
            return;
        }

        await FillAsync();
    }

    public Task<BackorderQueueView> GetQueue()
        => Task.FromResult(new BackorderQueueView(_sku, _location,
            [.. Queue.Entries.Select(ToView)],
            Queue.Notices.Count));

    /// <summary>Reserves and commits what is available for the oldest entries first, then promises the rest again.</summary>
    private async Task FillAsync()
    {
        var snapshot = await Inventory.GetSnapshot();
        if (Available(snapshot) > 0)
        {
            foreach (var entry in Queue.Entries.ToList())
            {
                var filled = await ReserveForAsync(entry);
                if (filled > 0)
                {
                    Queue.RecordFill(entry, filled);
                    GridInstruments.BackorderFills.Add(1);
                    LogFilled(_sku, _location, entry.OrderId, entry.LineId, filled);
                }
            }

            snapshot = await Inventory.GetSnapshot();
        }

        Queue.Promise(Available(snapshot), Supply(snapshot), clock.GetUtcNow());
        await WatchAsync();
        await WriteAsync();
        RingOrders();
    }

    /// <summary>
    /// Reserves for the entry's order (partial allowed) and commits it as an allocation. The reservation id stays the same
    /// until the fill is recorded, so a retry after a crash finds what the first attempt did.
    /// </summary>
    private async Task<long> ReserveForAsync(BackorderEntry entry)
    {
        var reservationId = Queue.NextFillReservationId();
        var reserved = await Inventory.Reserve(new ReserveStock(
            reservationId, entry.Channel, entry.Quantity, options.Value.SourcingReservationTtlSeconds, AllowPartial: true, OrderId: entry.OrderId,
            ForBackorders: true, CustomerId: entry.CustomerId));
        if (reserved.Code is not (ReservationResultCode.Created or ReservationResultCode.Ok or ReservationResultCode.IdConflict)
            || reserved.Reservation is not { } reservation)
        {
            return 0;
        }

        if (string.Equals(reservation.OrderId, entry.OrderId, StringComparison.Ordinal))
        {
            switch (reservation.Status)
            {
                case ReservationStatus.Committed:
                    return reservation.Quantity;
                case ReservationStatus.Active:
                    var committed = await Inventory.Commit(reservationId, entry.OrderId);
                    if (committed.Code == ReservationResultCode.Ok)
                    {
                        return committed.Reservation!.Quantity;
                    }

                    break;
            }
        }

        // The id was taken before a crash by a reservation that is over (or another order's, already filled): move past it.
        // A grant that is not recorded as a fill took units off the SKU-location's count: tell it the count again.
        Queue.SkipFillReservationId();
        Queue.MarkWatchStale();
        return 0;
    }

    private async Task WatchAsync()
    {
        if (Queue.WatchOutOfStep)
        {
            var demand = Queue.Demand;
            await Inventory.WatchBackorders(demand);
            Queue.MarkWatched(demand);
        }
    }

    private void RingOrders()
    {
        var key = this.GetPrimaryKeyString();
        foreach (var orderId in Queue.OrdersToNotify())
        {
            _ = GrainFactory.GetGrain<IOrderGrain>(OrderKeys.Order(orderId)).OnBackorderNotices(key);
        }
    }

    private static long Available(AvailabilitySnapshot s)
        => Math.Max(0, AvailableToPromise.Sellable(s.OnHand, s.Damaged, s.Quarantine, s.SafetyStock) - s.Reserved - s.Allocated);

    private static List<SupplyLine> Supply(AvailabilitySnapshot s) => [.. s.Inbound.Select(i => new SupplyLine(i.Reference, i.Quantity, i.Eta))];

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

    [LoggerMessage(EventId = 1211, EventName = "BackorderWatchDeferred", Level = LogLevel.Warning,
        Message = "{Sku}@{Location}: the SKU-location did not take the units its backorders wait for; the queue tells it again with its next change")]
    private partial void LogWatchDeferred(Exception exception, string sku, string location);

    [LoggerMessage(EventId = 1210, EventName = "BackorderFilled", Level = LogLevel.Information,
        Message = "{Sku}@{Location}: {Quantity} allocated to the backorder of order {OrderId} line {LineId}")]
    private partial void LogFilled(string sku, string location, string orderId, string lineId, long quantity);
}
