using Grid.Domain.Orders;
using Grid.Gateway.Problems;
using Grid.Gateway.Requests;
using Grid.Gateway.Security;
using Grid.Gateway.Validation;
using Grid.Orders;
using Microsoft.AspNetCore.Http.HttpResults;
using OrderStatus = Grid.Orders.OrderStatus;

namespace Grid.Gateway.Apis;

/// <summary>
/// Order changes after submission (issue 20, item 6): cancel a line, reduce a line's quantity, and a customer's order
/// list, newest first with a cursor. Mapped on the <c>/orders</c> group of <see cref="OrdersApi"/>.
/// </summary>
public static class OrderChangesApi
{
    public const int DefaultListLimit = 50;

    public const int MaxListLimit = 200;

    public static RouteGroupBuilder MapOrderChangesApi(this RouteGroupBuilder orders)
    {
        orders.MapGet("/", ListOrders)
            .WithName("ListOrders")
            .WithSummary("A customer's orders, newest first: ?customerId= (required), ?status=, ?after=<cursor from the last page's next>, ?limit= (default 50, at most 200)")
            .RequireGridRole(GridRoles.Sales, GridRoles.Crm, GridRoles.Erp, GridRoles.Ops);

        orders.MapPost("/{orderId}/lines/{lineId}/cancel", CancelLine)
            .WithName("CancelOrderLine")
            .WithSummary("Cancel what has not been picked or shipped of a line; what it held is given back (409 once picked or shipped in full)")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireGridRole(GridRoles.Sales);

        orders.MapPost("/{orderId}/lines/{lineId}/reduce", ReduceLine)
            .WithName("ReduceOrderLine")
            .WithSummary("Reduce a line to a smaller quantity; what the cancelled units held is given back (409 below what is picked or shipped)")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireGridRole(GridRoles.Sales);

        return orders;
    }

    public static async Task<Results<Ok<OrderPageView>, ValidationProblem>> ListOrders(
        string? customerId, string? status, string? after, int? limit, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        errors.Id("customerId", customerId);
        var statuses = errors.Names<OrderStatus>("status", status);
        if (statuses.Length > 1)
        {
            errors.Add("status", "'status' names one status.");
        }

        OrderStatus? wanted = statuses.Length == 1 ? statuses[0] : null;

        if (after is not null && !OrderCursor.TryDecode(after, out _))
        {
            errors.Add("after", "'after' must be the 'next' cursor of an earlier page of this list.");
        }

        if (limit is < 1 or > MaxListLimit)
        {
            errors.Add("limit", $"'limit' must be 1–{MaxListLimit}.");
        }

        if (!errors.IsValid)
        {
            return GridProblems.Invalid(errors);
        }

        var page = await grains.GetGrain<ICustomerOrdersGrain>(OrderKeys.CustomerOrders(customerId!)).List(wanted, after, limit ?? DefaultListLimit);
        return TypedResults.Ok(page);
    }

    public static async Task<Results<Ok<OrderView>, ValidationProblem, ProblemHttpResult>> CancelLine(
        string orderId, string lineId, CancelOrderRequest? request, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        errors.Id("orderId", orderId);
        errors.Id("lineId", lineId);
        errors.Text("reason", request?.Reason);
        if (!errors.IsValid)
        {
            return GridProblems.Invalid(errors);
        }

        return OrderAnswers.Answer(await OrdersApi.Order(grains, orderId).CancelLine(lineId, request?.Reason ?? "line cancelled by the sales channel"));
    }

    public static async Task<Results<Ok<OrderView>, ValidationProblem, ProblemHttpResult>> ReduceLine(
        string orderId, string lineId, ReduceLineRequest? request, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        errors.Id("orderId", orderId);
        errors.Id("lineId", lineId);
        errors.Text("reason", request?.Reason);
        if (request?.Quantity is not { } quantity || quantity < 0)
        {
            errors.Add("quantity", "'quantity' is required: the line's new quantity, a whole number of units, 0 or more.");
            quantity = 0;
        }

        if (!errors.IsValid)
        {
            return GridProblems.Invalid(errors);
        }

        return OrderAnswers.Answer(await OrdersApi.Order(grains, orderId).ReduceLine(lineId, quantity, request?.Reason ?? "line reduced by the sales channel"));
    }
}
