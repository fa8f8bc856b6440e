using Grid.Gateway.Security;
using Grid.Gateway.Problems;
using Grid.Gateway.Requests;
using Grid.Gateway.Validation;
using Grid.Orders;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grid.Gateway.Apis;

/// <summary>Shipments and their carrier milestones; a delivery or an exception reaches the shipment's order.</summary>
public static class ShipmentsApi
{
    public static RouteGroupBuilder MapShipmentsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/shipments").WithTags("Shipments");

        group.MapPost("/{shipmentId}/milestones", PostMilestone)
            .WithName("PostShipmentMilestone")
            .WithSummary("Record a carrier milestone (packed, dispatched, inTransit, outForDelivery, delivered, exception), once per eventId")
            .RequireGridRole(GridRoles.Wms, GridRoles.Carrier);

        group.MapGet("/{shipmentId}", GetShipment)
            .WithName("GetShipment")
            .WithSummary("A shipment: its order, lines, carrier, tracking number and milestones")
            .RequireGridRole(GridRoles.Wms, GridRoles.Carrier, GridRoles.Sales, GridRoles.Crm, GridRoles.Erp, GridRoles.Ops);

        return api;
    }

    public static async Task<Results<Ok<ShipmentView>, ValidationProblem>> PostMilestone(string shipmentId, MilestoneRequest? request, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        errors.Id("shipmentId", shipmentId);
        if (request is null)
        {
            return GridProblems.Invalid("body", "A JSON body is required.");
        }

        errors.Id("eventId", request.EventId);
        errors.Required("occurredAt", request.OccurredAt);
        MilestoneType? type = request.Type switch
        {
            "packed" => MilestoneType.Packed,
            "dispatched" => MilestoneType.Dispatched,
            "inTransit" => MilestoneType.InTransit,
            "outForDelivery" => MilestoneType.OutForDelivery,
            "delivered" => MilestoneType.Delivered,
            "exception" => MilestoneType.Exception,
            _ => null,
        };
        if (errors.Required("type", request.Type) && type is null)
        {
            errors.Add("type", "'type' must be packed, dispatched, inTransit, outForDelivery, delivered or exception.");
        }

        errors.Text("detail", request.Detail, maxLength: 1024);
        errors.Text("proofOfDelivery", request.ProofOfDelivery, maxLength: 1024);
        if (!errors.IsValid)
        {
            return GridProblems.Invalid(errors);
        }

        var shipment = await grains.GetGrain<IShipmentGrain>(OrderKeys.Shipment(shipmentId)).AddMilestone(new MilestoneInput(
            request.EventId!, type!.Value, request.OccurredAt!.Value.ToUniversalTime(), request.Detail, request.ProofOfDelivery));
        return TypedResults.Ok(shipment);
    }

    public static async Task<Results<Ok<ShipmentView>, ValidationProblem, ProblemHttpResult>> GetShipment(string shipmentId, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        errors.Id("shipmentId", shipmentId);
        if (!errors.IsValid)
        {
            return GridProblems.Invalid(errors);
        }

        return await grains.GetGrain<IShipmentGrain>(OrderKeys.Shipment(shipmentId)).Get() is { } shipment
            ? TypedResults.Ok(shipment)
            : GridProblems.NotFound($"No shipment '{shipmentId}'.");
    }
}
