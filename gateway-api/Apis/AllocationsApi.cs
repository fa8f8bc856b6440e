using Grid.Gateway.Problems;
using Grid.Gateway.Requests;
using Grid.Gateway.Security;
using Grid.Gateway.Validation;
using Grid.Inventory;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grid.Gateway.Apis;

/// <summary>
/// Product allocation: policies that ration a SKU for a period by channel or customer group, with an everyone-else
/// share, and what each quota has consumed (docs/allocation.md).
/// </summary>
public static class AllocationsApi
{
    public static RouteGroupBuilder MapAllocationsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/allocations").WithTags("Allocation");

        group.MapPut("/{sku}/policies/{policyId}", SetPolicy)
            .WithName("SetAllocationPolicy")
            .WithSummary("Add or replace a product allocation policy for a SKU (or one of its locations) over a period")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireGridRole(GridRoles.Erp);

        group.MapGet("/{sku}", GetAllocation)
            .WithName("GetAllocation")
            .WithSummary("A SKU's allocation policies, each quota's quantity, consumption and what is left")
            .RequireGridRole(GridRoles.Erp, GridRoles.Sales, GridRoles.Crm, GridRoles.Ops);

        return api;
    }

    public static async Task<Results<Ok<ProductAllocationView>, ValidationProblem, ProblemHttpResult>> SetPolicy(
        string sku, string policyId, AllocationPolicyRequest? request, IGrainFactory grains)
    {
        if (request is null)
        {
            return GridProblems.Invalid("body", "A JSON body is required.");
        }

        var errors = new FieldErrors();
        errors.Sku("sku", sku);
        errors.Id("policyId", policyId);
        if (request.Location is not null)
        {
            errors.Location("location", request.Location);
        }

        errors.Required("from", request.From);
        errors.Required("to", request.To);
        if (request.EveryoneElse is < 0)
        {
            errors.Add("everyoneElse", "'everyoneElse' must be zero or more units.");
        }

        var rows = ReadRows(request.Quotas, errors);
        if (!errors.IsValid)
        {
            return GridProblems.Invalid(errors);
        }

        var result = await Allocation(grains, sku).SetPolicy(new AllocationPolicyInput(
            policyId, request.Location, request.From!.Value.ToUniversalTime(), request.To!.Value.ToUniversalTime(), rows, request.EveryoneElse ?? 0));
        if (result.Allocation is { } allocation)
        {
            return TypedResults.Ok(allocation);
        }

        return result.Conflict
            ? GridProblems.Conflict("The policy overlaps another policy of the same scope.", result.Reason, new Dictionary<string, object?> { ["field"] = result.Field })
            : GridProblems.Invalid(result.Field ?? "body", result.Reason ?? "The policy is invalid.");
    }

    public static async Task<Results<Ok<ProductAllocationView>, ValidationProblem>> GetAllocation(string sku, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        errors.Sku("sku", sku);
        if (!errors.IsValid)
        {
            return GridProblems.Invalid(errors);
        }

        return TypedResults.Ok(await Allocation(grains, sku).Get());
    }

    private static IProductAllocationGrain Allocation(IGrainFactory grains, string sku)
        => grains.Ref<IProductAllocationGrain>(Identifiers.SkuGrainKey(sku));

    private static System.Collections.Immutable.ImmutableArray<QuotaRowInput> ReadRows(List<QuotaRowRequest?>? quotas, FieldErrors errors)
    {
        if (quotas is null)
        {
            return [];
        }

        return [.. quotas.Select((row, i) =>
        {
            var field = $"quotas[{i}]";
            if (!errors.Required(field, row))
            {
                return null;
            }

            if ((row.Channel is null) == (row.CustomerGroup is null))
            {
                errors.Add(field, "A quota names exactly one of 'channel' and 'customerGroup'.");
                return null;
            }

            errors.Id(row.Channel is null ? $"{field}.customerGroup" : $"{field}.channel", row.Channel ?? row.CustomerGroup);
            if (errors.Required($"{field}.quantity", row.Quantity) && row.Quantity < 0)
            {
                errors.Add($"{field}.quantity", "A quota must be zero or more units.");
            }

            return new QuotaRowInput(row.Channel is null ? QuotaAudience.CustomerGroup : QuotaAudience.Channel, (row.Channel ?? row.CustomerGroup)!, row.Quantity ?? 0);
        }).OfType<QuotaRowInput>()];
    }
}
