using System.Collections.Immutable;
using Grid.Infrastructure;
using Grid.Streams;
using Microsoft.Extensions.Logging;
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
/// A SKU-location's events all hash to the same partition, and a partition's deliveries are made one after another,
/// so a SKU-location never sees two deliveries at once or out of order. Placed on the silo of the pulling agent that
/// activates it, so that the batch does not cross the network twice.
/// </remarks>
[ImplicitStreamSubscription(GridStreams.Inventory)]
[PreferLocalPlacement]
public sealed partial class InventoryPartitionGrain(ILogger<InventoryPartitionGrain> logger)
    : Grain, IInventoryPartitionGrain, IStreamSubscriptionObserver, IAsyncBatchObserver<QueuedMovement>
{
    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory)
        => handleFactory.Create<QueuedMovement>().ResumeAsync(this);

    public Task OnNextAsync(IList<SequentialItem<QueuedMovement>> items)
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

            movements.Add(new DeliveredMovement(item.Item.Movement, MarkOf(item.Token)));
        }

        return bySkuLocation.Count switch
        {
            0 => Task.CompletedTask,
            1 => Apply(bySkuLocation.First()),
            _ => Task.WhenAll(bySkuLocation.Select(Apply)),
        };
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    private Task Apply(KeyValuePair<string, ImmutableArray<DeliveredMovement>.Builder> group)
        => GrainFactory.GetGrain<IInventoryGrain>(group.Key).ApplyDelivered(group.Value.DrainToImmutable());

    /// <summary>Durable queues give each event its position; the in-memory queues of dev mode do not, and need none.</summary>
    private static QueueMark? MarkOf(StreamSequenceToken? token)
        => token is QueuePosition p ? new QueueMark(p.TransactionId, p.MessageId, p.EventIndex) : null;

    [LoggerMessage(EventId = 1107, EventName = "QueuedEventWithoutSkuLocation", Level = LogLevel.Warning,
        Message = "Queued event {EventId} names '{Key}', which is not a SKU@LOCATION key; it was dropped")]
    private partial void LogNotASkuLocation(string key, string eventId);
}
