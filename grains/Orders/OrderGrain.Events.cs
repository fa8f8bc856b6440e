using Grid.Domain.Orders;
using Grid.Infrastructure;
using Grid.Inventory;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace Grid.Orders;

// What other grains and the order stream tell this order: rings from backorder queues, customers and shipments; warehouse events.
public sealed partial class OrderGrain
{
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
            if (DeliveryMarks.Of(item.Token) is { } mark)
            {
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
}
