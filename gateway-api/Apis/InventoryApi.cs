using Grid.Gateway.Security;
using System.Collections.Immutable;
using Grid.Gateway.Problems;
using Grid.Gateway.Requests;
using Grid.Gateway.Validation;
using Grid.Inventory;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grid.Gateway.Apis;

/// <summary>The explanation of a SKU-location's ATP, and the policy (safety stock, ring-fences) that shapes it.</summary>
public static class InventoryApi
{
    public static RouteGroupBuilder MapInventoryApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/inventory").WithTags("Inventory");

        group.MapGet("/{key}", GetInventory)
            .WithName("GetInventory")
            .WithSummary("Why ATP is what it is: buckets, reservations, allocations, inbound, last movements, invariant checks")
            .RequireGridRole(GridRoles.Sales, GridRoles.Erp, GridRoles.Crm, GridRoles.Ops);

        group.MapPut("/{key}/policy", SetPolicy)
            .IsIdempotent()
            .WithName("SetInventoryPolicy")
            .WithSummary("Set safety stock and channel ring-fences")
            .RequireGridRole(GridRoles.Erp, GridRoles.Ops);

        return api;
    }

    public static async Task<Results<Ok<InventoryDetail>, ValidationProblem>> GetInventory(string key, IGrainFactory grains)
    {
        if (!Identifiers.TryParseSkuLocationKey(key, out _, out _))
        {
            return InvalidKey(key);
        }

        return TypedResults.Ok(await grains.Ref<IInventoryGrain>(key).GetDetail());
    }

    public static async Task<Results<Ok<LocationAvailability>, ValidationProblem>> SetPolicy(
        string key, InventoryPolicyRequest? request, IGrainFactory grains)
    {
        if (!Identifiers.TryParseSkuLocationKey(key, out _, out _))
        {
            return InvalidKey(key);
        }

        if (request is null)
        {
            return GridProblems.Invalid("body", "A JSON body is required.");
        }

        var errors = new FieldErrors();
        var policy = ReadPolicy(request, errors);
        if (policy is null)
        {
            return GridProblems.Invalid(errors);
        }

        var result = await grains.Ref<IInventoryGrain>(key).SetPolicy(policy);
        return result is { Availability: { } availability }
            ? TypedResults.Ok(availability)
            : GridProblems.Invalid(result.Field ?? "body", result.Problem ?? "The policy is not valid.");
    }

    /// <summary>Checks a policy as <c>PUT .../policy</c> and an import line take it: the policy, or null with <paramref name="errors"/> saying why.</summary>
    internal static InventoryPolicy? ReadPolicy(InventoryPolicyRequest request, FieldErrors errors)
    {
        if (errors.Required("safetyStock", request.SafetyStock) && request.SafetyStock < 0)
        {
            errors.Add("safetyStock", "'safetyStock' must be zero or more.");
        }

        var fences = ImmutableDictionary.CreateBuilder<string, long>(StringComparer.Ordinal);
        foreach (var (channel, quantity) in request.RingFences ?? [])
        {
            var field = $"ringFences.{channel}";
            if (!Identifiers.IsValidId(channel))
            {
                errors.Add(field, "A ring-fence channel must be 1–128 printable characters.");
            }
            else if (quantity is not { } q || q < 0)
            {
                errors.Add(field, $"'{field}' must be a whole number of units, zero or more.");
            }
            else
            {
                fences[channel] = q;
            }
        }

        return errors.IsValid ? new InventoryPolicy(request.SafetyStock!.Value, fences.ToImmutable()) : null;
    }

    private static ValidationProblem InvalidKey(string key)
    {
        var errors = new FieldErrors();
        errors.SkuLocationKey("key", key);
        return GridProblems.Invalid(errors);
    }
}
