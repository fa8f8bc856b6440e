using System.Collections.Immutable;
using Grid.Gateway.Events;
using Grid.Gateway.OpenApi;
using Grid.Gateway.OpenApi.Contracts;
using Grid.Gateway.Problems;
using Grid.Gateway.Security;
using Grid.Gateway.Requests;
using Grid.Gateway.Validation;
using Grid.Inventory;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Grid.Gateway.Apis;

/// <summary>
/// Supplier events: PO acknowledgements and ASNs announce inbound supply with its ETA per SKU-location, delays move
/// those ETAs. Like warehouse events, each item is validated alone, the valid ones are queued on the streams of the
/// SKU-locations they concern before the 202, and invalid ones are reported by index and stored nowhere.
/// </summary>
public static class SupplierEventsApi
{
    public static RouteGroupBuilder MapSupplierEventsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/supplier/events", PostSupplierEvents)
            .WithTags("Supplier events")
            .WithName("PostSupplierEvents")
            .WithSummary($"Queue up to {WarehouseEventsApi.MaxEventsPerRequest} supplier events (poAcknowledged, asn, delay); per-item results")
            .WithRequestBodyContract<SupplierEventBatch>()
            .RequireGridRole(GridRoles.Supplier);
        return api;
    }

    public static async Task<Results<Accepted<EventBatchResponse>, ValidationProblem, ProblemHttpResult>> PostSupplierEvents(
        EventBatchRequest? request, InventoryEventQueue queue, IngestBackPressure backPressure, IGrainFactory grains,
        IOptions<JsonOptions> json, HttpContext context)
    {
        if (EventItems.CheckBatch(request, "supplier", out var events) is { } invalid)
        {
            return invalid;
        }

        var bySkuLocation = new Dictionary<string, List<WarehouseMovement>>(StringComparer.Ordinal);
        var references = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var rejected = await EventItems.ForEachAsync<SupplierEventItem>(events, json.Value.SerializerOptions, async item =>
        {
            var (movements, problem) = await ToMovementsAsync(item, grains);
            if (problem is not null)
            {
                return problem;
            }

            foreach (var (key, movement) in movements)
            {
                bySkuLocation.AddTo(key, movement);
            }

            if (item.Type is "poAcknowledged" or "asn")
            {
                var reference = item.Type == "asn" ? Identifiers.SupplyReferenceKey("asn", item.AsnId!) : Identifiers.SupplyReferenceKey("po", item.PoId!);
                if (!references.TryGetValue(reference, out var keys))
                {
                    references[reference] = keys = new HashSet<string>(StringComparer.Ordinal);
                }

                keys.UnionWith(movements.Select(m => m.Key));
            }

            return null;
        });
        var accepted = events.Count - rejected.Count;
        if (backPressure.Check(queue.StreamsOf(bySkuLocation.Keys)) is { } behind)
        {
            GatewayInstruments.Inbound("supplier", 0, 0, refused: events.Count);
            return GridProblems.Refused(context, behind, "supplier");
        }

        // Remembered first, so that a delay naming only the PO or ASN finds every SKU-location it supplies.
        await Task.WhenAll(references.Select(r => grains.GetGrain<ISupplyReferenceGrain>(r.Key).Remember([.. r.Value])));
        await queue.EnqueueAsync(bySkuLocation);
        GatewayInstruments.Inbound("supplier", accepted, rejected.Count);
        return TypedResults.Accepted((string?)null, new EventBatchResponse(accepted, rejected));
    }

    /// <summary>Validates one supplier event and turns it into the movements of the SKU-locations it concerns.</summary>
    internal static async Task<(List<(string Key, WarehouseMovement Movement)> Movements, string? Error)> ToMovementsAsync(
        SupplierEventItem e, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        errors.Id("eventId", e.EventId);
        errors.Id("source", e.Source);
        errors.Required("occurredAt", e.OccurredAt);
        if (e.Sequence is < 0)
        {
            errors.Add("sequence", "'sequence' must be zero or more.");
        }

        if (!errors.Required("type", e.Type))
        {
            return ([], errors.Summary());
        }

        switch (e.Type)
        {
            case "poAcknowledged":
                errors.Id("poId", e.PoId);
                break;
            case "asn":
                errors.Id("asnId", e.AsnId);
                errors.Id("poId", e.PoId);
                break;
            case "delay":
                if (e.PoId is null && e.AsnId is null)
                {
                    errors.Add("poId", "A delay names the 'poId' or the 'asnId' it delays.");
                }

                errors.Id("poId", e.PoId, required: false);
                errors.Id("asnId", e.AsnId, required: false);
                errors.Required("newEta", e.NewEta);
                break;
            default:
                errors.Add("type", $"'{e.Type}' is not a supplier event type (poAcknowledged, asn, delay).");
                return ([], errors.Summary());
        }

        var lines = ReadLines(e, errors);
        if (!errors.IsValid)
        {
            return ([], errors.Summary());
        }

        var occurredAt = e.OccurredAt!.Value.ToUniversalTime();
        if (e.Type == "delay")
        {
            var reference = e.AsnId ?? e.PoId!;
            var keys = lines.Count > 0
                ? lines.Select(l => l.Key).ToImmutableArray()
                : await grains.GetGrain<ISupplyReferenceGrain>(
                    e.AsnId is not null ? Identifiers.SupplyReferenceKey("asn", e.AsnId) : Identifiers.SupplyReferenceKey("po", e.PoId!)).GetSkuLocations();
            if (keys.IsEmpty)
            {
                return ([], $"'lines' is required: Grid knows no SKU-location supplied by {(e.AsnId is not null ? "ASN" : "PO")} '{reference}'.");
            }

            return ([.. keys.Select(key => (key, new WarehouseMovement(
                e.EventId!, e.Source!, occurredAt, MovementType.InboundDelayed, 0, e.Sequence, reference, Eta: e.NewEta!.Value.ToUniversalTime())))], null);
        }

        var lineReference = e.Type == "asn" ? e.AsnId! : e.PoId!;
        var purchaseOrder = e.Type == "asn" ? e.PoId : null;
        return ([.. lines.Select(l => (l.Key, new WarehouseMovement(
            e.EventId!, e.Source!, occurredAt, MovementType.InboundExpected, l.Quantity, e.Sequence, lineReference,
            OrderId: purchaseOrder, Eta: l.Eta.ToUniversalTime())))], null);
    }

    private static List<(string Key, long Quantity, DateTimeOffset Eta)> ReadLines(SupplierEventItem e, FieldErrors errors)
    {
        var lines = new List<(string Key, long Quantity, DateTimeOffset Eta)>();
        if (e.Lines is null || e.Lines.Count == 0)
        {
            if (e.Type != "delay")
            {
                errors.Add("lines", "'lines' is required: at least one { sku, location, quantity, eta }.");
            }

            return lines;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < e.Lines.Count; i++)
        {
            var field = $"lines[{i}]";
            if (e.Lines[i] is not { } line)
            {
                errors.Add(field, $"'{field}' must be an object.");
                continue;
            }

            var before = errors.IsValid;
            errors.Sku($"{field}.sku", line.Sku);
            errors.Location($"{field}.location", line.Location);
            if (e.Type != "delay")
            {
                errors.PositiveQuantity($"{field}.quantity", line.Quantity);
                errors.Required($"{field}.eta", line.Eta);
            }

            if (!before || !errors.IsValid)
            {
                continue;
            }

            var key = Identifiers.SkuLocationKey(line.Sku!, line.Location!);
            if (!seen.Add(key))
            {
                errors.Add(field, $"'{field}' repeats {key}: give each SKU-location once per event.");
                continue;
            }

            lines.Add((key, line.Quantity ?? 0, line.Eta ?? default));
        }

        return lines;
    }
}
