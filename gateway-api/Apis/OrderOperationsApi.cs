using Grid.Gateway.Security;
using System.Collections.Immutable;
using Grid.Gateway.Problems;
using Grid.Gateway.Validation;
using Grid.Orders;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grid.Gateway.Apis;

/// <summary>Order exceptions for ops (<c>/api/v1/ops/exceptions</c>): short picks, SLA breaches, carrier exceptions and the like.</summary>
public static class OrderOperationsApi
{
    public const int MaxLimit = 1000;

    public static RouteGroupBuilder MapOrderOperationsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/ops/exceptions", GetExceptions)
            .WithTags("Operations")
            .WithName("GetOrderExceptions")
            .WithSummary("Order exceptions, newest first; ?kind= (shortPick, slaBreach, carrierException, ...), ?orderId=, ?limit= (default 100)")
            .RequireGridRole(GridRoles.Ops);
        return api;
    }

    public static async Task<Results<Ok<OrderExceptionsResponse>, ValidationProblem>> GetExceptions(string? kind, string? orderId, int? limit, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        OrderExceptionKind? wanted = null;
        if (kind is not null)
        {
            if (Enum.TryParse<OrderExceptionKind>(kind, ignoreCase: true, out var parsed) && !int.TryParse(kind, out _))
            {
                wanted = parsed;
            }
            else
            {
                errors.Add("kind", $"'kind' must be one of {string.Join(", ", Enum.GetNames<OrderExceptionKind>().Select(n => string.Concat(char.ToLowerInvariant(n[0]).ToString(), n[1..])))}.");
            }
        }

        errors.Id("orderId", orderId, required: false);
        if (limit is < 1 or > MaxLimit)
        {
            errors.Add("limit", $"'limit' must be 1–{MaxLimit}.");
        }

        if (!errors.IsValid)
        {
            return GridProblems.Invalid(errors);
        }

        var exceptions = await grains.GetGrain<IOrderExceptionsGrain>(OrderKeys.Singleton).List(wanted, orderId, limit ?? 100);
        return TypedResults.Ok(new OrderExceptionsResponse(exceptions));
    }
}

public sealed record OrderExceptionsResponse(ImmutableArray<OrderExceptionView> Exceptions);
