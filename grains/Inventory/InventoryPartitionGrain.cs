using System.Collections.Immutable;
using Grid.Hosting;
using Grid.Infrastructure;
using Grid.Streams;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace Grid.Inventory;

/// <summary>
/// Applies what arrives on one inventory stream partition. Each delivery (a backlog of queued messages, merged by the
/// queue receiver) is split by SKU-location; every SKU-location gets its events, in queue order, in one call, and all
/// of them run at once. The delivery completes, and its messages may leave the queue, only when every SKU-location
/// has made its events durable; if one fails, Orleans delivers the whole batch again and those that had applied it
/// recognise the positions and skip them.
/// </summary>
/// <remarks>
/// A SKU-location that keeps failing (its state cannot be read, say) must not hold its partition back, nor take the
/// other SKU-locations' events with it to the dead letters: once a delivery has failed for half the maximum delivery
/// time, the events of the SKU-locations still failing go to the dead letters alone, and the delivery completes.
/// </remarks>
/// <remarks>
/// A SKU-location's events all hash to the same partition, and a partition's deliveries are made one after another,
/// so a SKU-location never sees two deliveries at once or out of order. Placed on the silo of the pulling agent that
/// activates it, so that the batch does not cross the network twice.
/// </remarks>
[ImplicitStreamSubscription(GridStreams.Inventory)]
[PreferLocalPlacement]
public sealed partial class InventoryPartitionGrain(
    IServiceProvider services, IOptions<GridStreamOptions> streams, TimeProvider clock, ILogger<InventoryPartitionGrain> logger)
    : Grain, IInventoryPartitionGrain, IStreamSubscriptionObserver, IAsyncBatchObserver<QueuedMovement>
{
    /// <summary>Durable queues only: in dev mode's in-memory queues there is nowhere to put a dead letter.</summary>
    private readonly IStreamDeadLetters? _deadLetters = services.GetKeyedService<IStreamDeadLetters>(GridStreams.ProviderName);

    /// <summary>Durable queues only: removes a delivery's messages once every SKU-location has made it durable.</summary>
    private readonly IStreamAcknowledgements? _acknowledgements = services.GetKeyedService<IStreamAcknowledgements>(GridStreams.ProviderName);

    private readonly TimeSpan _giveUpAfter = streams.Value.MaxDeliveryTime / 2;

    /// <summary>The delivery that is failing (by the position of its first event), and since when.</summary>
    private (QueuePosition First, DateTimeOffset Since)? _failing;

    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory)
        => handleFactory.Create<QueuedMovement>().ResumeAsync(this);

    public async Task OnNextAsync(IList<SequentialItem<QueuedMovement>> items)
    {
        var bySkuLocation = new Dictionary<string, ImmutableArray<DeliveredMovement>.Builder>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var key = item.Item.SkuLocation;
            if (!Identifiers.TryParseSkuLocationKey(key, out _, out _))
            {
                // The gateway never queues such a key; a message that carries one cannot be applied anywhere.
                GridInstruments.EventsRejected.Add(1);
                LogNotASkuLocation(key, item.Item.Movement.EventId);
                continue;
            }

            if (!bySkuLocation.TryGetValue(key, out var movements))
            {
                bySkuLocation[key] = movements = ImmutableArray.CreateBuilder<DeliveredMovement>();
            }

            movements.Add(new DeliveredMovement(item.Item.Movement, DeliveryMarks.ToQueueMark(item.Token), item.Item.AcceptedAt));
        }

        var groups = bySkuLocation.Select(g => (SkuLocation: g.Key, Movements: g.Value.DrainToImmutable())).ToList();
        // Taken before the attempt, so a slow first attempt does not eat into the time left to give up before Orleans does.
        var attemptStarted = clock.GetUtcNow();
        var applying = groups.ConvertAll(g => GrainFactory.Ref<IInventoryGrain>(g.SkuLocation).ApplyDelivered(g.Movements));
        try
        {
            await Task.WhenAll(applying);
            _failing = null;
            await AcknowledgeAsync(items);
        }
        catch (Exception) when (_deadLetters is not null && items.Count > 0 && items[0].Token is QueuePosition first)
        {
            if (_failing is not { } failing || !failing.First.Equals(first))
            {
                _failing = (first, attemptStarted);
                throw;
            }

            if (clock.GetUtcNow() - failing.Since < _giveUpAfter)
            {
                throw;
            }

            for (var i = 0; i < groups.Count; i++)
            {
                if (applying[i].Exception is { } failure)
                {
                    await GiveUpAsync(groups[i].SkuLocation, groups[i].Movements, failure.GetBaseException());
                }
            }

            _failing = null;
        }
    }

    /// <summary>
    /// Everything in the delivery is durable: its messages leave the queue now rather than when Orleans' cache lets go
    /// of them, so the queue's lag is what still waits. A failure here only leaves that to Orleans.
    /// </summary>
    private async Task AcknowledgeAsync(IList<SequentialItem<QueuedMovement>> items)
    {
        if (_acknowledgements is null || items.Count == 0)
        {
            return;
        }

        try
        {
            await _acknowledgements.AcknowledgeAsync(
                StreamId.Create(GridStreams.Inventory, this.GetPrimaryKeyString()), [.. items.Select(i => i.Token).OfType<QueuePosition>()]);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or TimeoutException or InvalidOperationException)
        {
            LogAcknowledgeFailed(ex, items.Count);
        }
    }

    private async Task GiveUpAsync(string skuLocation, ImmutableArray<DeliveredMovement> movements, Exception failure)
    {
        var first = movements[0].Mark!.Value;
        var events = movements.Select(m => (object)new QueuedMovement(skuLocation, m.Movement, m.AcceptedAt)).ToList();
        await _deadLetters!.DeadLetterAsync(
            StreamId.Create(GridStreams.Inventory, this.GetPrimaryKeyString()),
            new QueuePosition(first.Transaction, first.Message, first.Index),
            events,
            $"{skuLocation} kept failing for {_giveUpAfter}: {failure.GetType().Name}: {failure.Message}");
        LogGaveUp(failure, skuLocation, events.Count);
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    /// <summary>Durable queues give each event its position; the in-memory queues of dev mode do not, and need none.</summary>
    [LoggerMessage(EventId = 1108, EventName = "QueuedEventsDeadLettered", Level = LogLevel.Error,
        Message = "{SkuLocation} kept failing to apply its {Count} queued event(s); they went to the dead letters and the rest of the delivery was acknowledged")]
    private partial void LogGaveUp(Exception exception, string skuLocation, int count);

    [LoggerMessage(EventId = 1109, EventName = "QueuedEventsAcknowledgeFailed", Level = LogLevel.Warning,
        Message = "A delivery of {Count} applied event(s) could not be removed from its queue now; it is when Orleans' cache releases it")]
    private partial void LogAcknowledgeFailed(Exception exception, int count);

    [LoggerMessage(EventId = 1110, EventName = "QueuedEventWithoutSkuLocation", Level = LogLevel.Warning,
        Message = "Queued event {EventId} names '{Key}', which is not a SKU@LOCATION key; it was dropped")]
    private partial void LogNotASkuLocation(string key, string eventId);
}
