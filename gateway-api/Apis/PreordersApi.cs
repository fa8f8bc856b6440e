using Grid.Gateway.Problems;
using Grid.Gateway.Requests;
using Grid.Gateway.Security;
using Grid.Gateway.Validation;
using Grid.Orders;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grid.Gateway.Apis;

/// <summary>Pre-orders: a SKU-location sells ahead of its dated inbound supply up to a cap (docs/preorders.md).</summary>
public static class PreordersApi
{
    public static RouteGroupBuilder MapPreordersApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/preorders").WithTags("Pre-orders");

        group.MapPut("/{key}", SetTerms)
            .WithName("SetPreorderTerms")
            .WithSummary("Open pre-orders at a SKU@LOCATION up to a cap (and until endsAt, if given); a new cap below what is pre-ordered takes no more")
            .RequireGridRole(GridRoles.Erp);

        group.MapGet("/{key}", GetTerms)
            .WithName("GetPreorders")
            .WithSummary("A SKU@LOCATION's pre-order terms, the units pre-ordered, what the cap leaves and the pre-orders waiting")
            .RequireGridRole(GridRoles.Erp, GridRoles.Sales, GridRoles.Crm, GridRoles.Ops);

        return api;
    }

    public static async Task<Results<Ok<PreorderView>, ValidationProblem>> SetTerms(string key, PreorderTermsRequest? request, IGrainFactory grains)
    {
        if (request is null)
        {
            return GridProblems.Invalid("body", "A JSON body is required.");
        }

        var errors = new FieldErrors();
        errors.SkuLocationKey("key", key);
        if (errors.Required("cap", request.Cap) && request.Cap < 0)
        {
            errors.Add("cap", "'cap' must be zero or more units.");
        }

        if (!errors.IsValid)
        {
            return GridProblems.Invalid(errors);
        }

        var view = await grains.GetGrain<IBackorderQueueGrain>(key).SetPreorders(new PreorderTermsInput(request.Cap!.Value, request.EndsAt?.ToUniversalTime()));
        return TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<PreorderView>, ValidationProblem>> GetTerms(string key, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        errors.SkuLocationKey("key", key);
        if (!errors.IsValid)
        {
            return GridProblems.Invalid(errors);
        }

        return TypedResults.Ok(await grains.GetGrain<IBackorderQueueGrain>(key).GetPreorders());
    }
}
