using Grid.Gateway.Events;
using Grid.Gateway.OpenApi;
using Grid.Gateway.OpenApi.Contracts;
using Grid.Gateway.Problems;
using Grid.Gateway.Security;
using Grid.Gateway.Requests;
using Grid.Gateway.Validation;
using Grid.Inventory;
using Grid.Orders;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Grid.Gateway.Apis;

/// <summary>
/// Warehouse (WMS) events. Each item is validated on its own: valid items are queued on the stream of the SKU-location
/// they are about and applied from there, each at most once per (source, eventId); invalid ones are reported by index
/// and stored nowhere. Picks, short picks, ship confirms and returns received are queued on their order's stream (picks
/// and short picks only there: the order moves their stock), for the order to move on. The answer (202) comes once the
/// valid items are queued (durably, in Postgres mode).
/// </summary>
public static class WarehouseEventsApi
{
    public const int MaxEventsPerRequest = EventItems.MaxPerRequest;

    public static RouteGroupBuilder MapWarehouseEventsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/warehouse/events", PostWarehouseEvents)
            .WithTags("Warehouse events")
            .WithName("PostWarehouseEvents")
            .WithSummary($"Queue up to {MaxEventsPerRequest} warehouse events; per-item results")
            .WithRequestBodyContract<WarehouseEventBatch>()
            .RequireGridRole(GridRoles.Wms);
        return api;
    }

    public static async Task<Results<Accepted<EventBatchResponse>, ValidationProblem, ProblemHttpResult>> PostWarehouseEvents(
        EventBatchRequest? request, InventoryEventQueue queue, OrderEventQueue orders, IngestBackPressure backPressure,
        IOptions<JsonOptions> json, HttpContext context)
    {
        if (EventItems.CheckBatch(request, "warehouse", out var events) is { } invalid)
        {
            return invalid;
        }

        var bySkuLocation = new Dictionary<string, List<WarehouseMovement>>(StringComparer.Ordinal);
        var byOrder = new Dictionary<string, List<OrderWarehouseEvent>>(StringComparer.Ordinal);
        var rejected = await EventItems.ForEachAsync<WarehouseEventItem>(events, json.Value.SerializerOptions, item =>
        {
            var (movement, orderEvent, problem) = ToEvents(item);
            if (movement is not null && problem is null)
            {
                bySkuLocation.AddTo(Identifiers.SkuLocationKey(item.Sku!, item.Location!), movement);
            }

            if (orderEvent is not null && problem is null)
            {
                byOrder.AddTo(item.OrderId!, orderEvent);
            }

            return ValueTask.FromResult(problem);
        });
        var accepted = events.Count - rejected.Count;
        if (backPressure.Check(queue.StreamsOf(bySkuLocation.Keys).Concat(OrderEventQueue.StreamsOf(byOrder.Keys))) is { } behind)
        {
            GatewayInstruments.Inbound("warehouse", 0, 0, refused: events.Count);
            return GridProblems.Refused(context, behind, "warehouse");
        }

        await Task.WhenAll(queue.EnqueueAsync(bySkuLocation), orders.EnqueueAsync(byOrder));
        GatewayInstruments.Inbound("warehouse", accepted, rejected.Count);
        return TypedResults.Accepted((string?)null, new EventBatchResponse(accepted, rejected));
    }

    /// <summary>
    /// Validates one event and turns it into the movement its SKU-location applies and, for an event about an order, the
    /// event its order applies. Picks and short picks reach their SKU-location through the order; a ship confirm moves no
    /// stock (the picks did); a scrapped return moves none either. <paramref name="errors"/>, when given, collects the
    /// problems by field.
    /// </summary>
    internal static (WarehouseMovement? Movement, OrderWarehouseEvent? OrderEvent, string? Error) ToEvents(WarehouseEventItem e, FieldErrors? errors = null)
    {
        errors ??= new FieldErrors();
        errors.Id("eventId", e.EventId);
        errors.Id("source", e.Source);
        errors.Required("occurredAt", e.OccurredAt);
        if (e.Sequence is < 0)
        {
            errors.Add("sequence", "'sequence' must be zero or more.");
        }

        if (!errors.Required("type", e.Type))
        {
            return (null, null, errors.Summary());
        }

        if (e.Type == "shipConfirm")
        {
            return ToShipConfirm(e, errors);
        }

        MovementType type;
        long quantity;
        var noEffect = false;
        switch (e.Type)
        {
            case "receipt" or "damage" or "quarantine" or "releaseQuarantine" or "transferOut" or "transferIn":
                errors.PositiveQuantity("quantity", e.Quantity);
                type = e.Type switch
                {
                    "receipt" => MovementType.Receipt,
                    "damage" => MovementType.Damage,
                    "quarantine" => MovementType.Quarantine,
                    "releaseQuarantine" => MovementType.ReleaseQuarantine,
                    "transferOut" => MovementType.TransferOut,
                    _ => MovementType.TransferIn,
                };
                quantity = e.Quantity ?? 0;
                break;
            case "adjustment":
                if (errors.Required("quantity", e.Quantity) && e.Quantity == 0)
                {
                    errors.Add("quantity", "'quantity' of an adjustment is signed and must not be zero.");
                }

                type = MovementType.Adjustment;
                quantity = e.Quantity ?? 0;
                break;
            case "cycleCount":
                if (errors.Required("countedQuantity", e.CountedQuantity) && e.CountedQuantity < 0)
                {
                    errors.Add("countedQuantity", "'countedQuantity' must be zero or more.");
                }

                type = MovementType.CycleCount;
                quantity = e.CountedQuantity ?? 0;
                break;
            case "pick":
                errors.PositiveQuantity("quantity", e.Quantity);
                errors.Id("orderId", e.OrderId);
                errors.Id("lineId", e.LineId);
                type = MovementType.Pick;
                quantity = e.Quantity ?? 0;
                break;
            case "shortPick":
                errors.PositiveQuantity("missingQuantity", e.MissingQuantity);
                errors.Id("orderId", e.OrderId);
                errors.Id("lineId", e.LineId);
                type = MovementType.ShortPick;
                quantity = e.MissingQuantity ?? 0;
                break;
            case "returnReceived":
                errors.PositiveQuantity("quantity", e.Quantity);
                errors.Id("returnId", e.ReturnId);
                errors.Id("orderId", e.OrderId);
                type = MovementType.ReturnToStock;
                switch (e.Disposition)
                {
                    case "restock":
                        break;
                    case "quarantine":
                        type = MovementType.ReturnToQuarantine;
                        break;
                    case "scrap":
                        noEffect = true;
                        break;
                    default:
                        errors.Add("disposition", "'disposition' must be restock, quarantine or scrap.");
                        break;
                }

                quantity = e.Quantity ?? 0;
                break;
            default:
                errors.Add("type", $"'{e.Type}' is not a warehouse event type (receipt, adjustment, cycleCount, damage, quarantine, releaseQuarantine, transferOut, transferIn, pick, shortPick, shipConfirm, returnReceived).");
                return (null, null, errors.Summary());
        }

        errors.Sku("sku", e.Sku);
        errors.Location("location", e.Location);
        errors.Id("reference", e.Reference, required: false);
        if (!errors.IsValid)
        {
            return (null, null, errors.Summary());
        }

        // Picks and short picks go to their order alone: it takes the units off hand at the SKU-location and then gives
        // back the allocation they came from, so that the order, the one authority on what it holds, never drifts from
        // the SKU-location whatever order the warehouse's events arrive in.
        var occurredAt = e.OccurredAt!.Value.ToUniversalTime();
        var movement = noEffect || type is MovementType.Pick or MovementType.ShortPick ? null : new WarehouseMovement(
            e.EventId!, e.Source!, occurredAt, type, quantity, e.Sequence,
            e.Reference ?? e.ReturnId, e.Reason, e.OrderId, e.LineId);
        OrderWarehouseEvent? orderEvent = e.Type switch
        {
            "pick" => new(e.EventId!, e.Source!, occurredAt, OrderEventType.Pick, e.Location!, e.Sku, e.LineId, quantity,
                Sequence: e.Sequence, Reference: e.Reference, Reason: e.Reason),
            "shortPick" => new(e.EventId!, e.Source!, occurredAt, OrderEventType.ShortPick, e.Location!, e.Sku, e.LineId, quantity,
                Sequence: e.Sequence, Reference: e.Reference, Reason: e.Reason),
            "returnReceived" => new(e.EventId!, e.Source!, occurredAt, OrderEventType.ReturnReceived, e.Location!, e.Sku, Quantity: quantity,
                ReturnId: e.ReturnId, Disposition: e.Disposition switch
                {
                    "quarantine" => ReturnDisposition.Quarantine,
                    "scrap" => ReturnDisposition.Scrap,
                    _ => ReturnDisposition.Restock,
                }),
            _ => null,
        };
        return (movement, orderEvent, null);
    }

    /// <summary>A ship confirm: the order records the shipment (and tells the SKU-locations of units no pick took off hand).</summary>
    private static (WarehouseMovement? Movement, OrderWarehouseEvent? OrderEvent, string? Error) ToShipConfirm(WarehouseEventItem e, FieldErrors errors)
    {
        errors.Id("shipmentId", e.ShipmentId);
        errors.Id("orderId", e.OrderId);
        errors.Location("location", e.Location);
        errors.Text("carrier", e.Carrier, maxLength: 128);
        errors.Id("trackingNumber", e.TrackingNumber, required: false);
        var lines = OrdersApi.ReadLines(e.Lines, errors, (field, line) =>
        {
            errors.Id($"{field}.lineId", line.LineId);
            errors.Sku($"{field}.sku", line.Sku);
            errors.PositiveQuantity($"{field}.quantity", line.Quantity);
            return new ShippedLine(line.LineId!, line.Sku!, line.Quantity ?? 0);
        });
        if (!errors.IsValid)
        {
            return (null, null, errors.Summary());
        }

        return (null, new OrderWarehouseEvent(
            e.EventId!, e.Source!, e.OccurredAt!.Value.ToUniversalTime(), OrderEventType.ShipConfirm, e.Location!,
            ShipmentId: e.ShipmentId, Carrier: e.Carrier, TrackingNumber: e.TrackingNumber, Lines: lines), null);
    }
}
