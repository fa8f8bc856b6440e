using Grid.Gateway.Security;
using System.Collections.Immutable;
using Grid.Gateway.Problems;
using Grid.Gateway.Requests;
using Grid.Gateway.Validation;
using Grid.Orders;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grid.Gateway.Apis;

/// <summary>
/// Orders (DESIGN §4): submission (idempotent by orderId), the order and its timeline, cancellation and returns. What
/// happens after submission (release, picks, shipments, deliveries) is driven by warehouse events, carrier milestones
/// and the ERP.
/// </summary>
public static class OrdersApi
{
    public const int MaxLinesPerOrder = 500;

    /// <summary>How many reservations one order line may take over.</summary>
    public const int MaxReservationsPerLine = 50;

    public static RouteGroupBuilder MapOrdersApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/orders").WithTags("Orders");

        group.MapPost("/", SubmitOrder)
            .IsIdempotent()
            .WithName("SubmitOrder")
            .WithSummary("Submit an order: credit check, sourcing and allocation per line, release when allowed (idempotent by orderId)")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .RequireGridRole(GridRoles.Sales);

        group.MapGet("/{orderId}", GetOrder)
            .WithName("GetOrder")
            .WithSummary("An order: status, lines with allocations, backorders and promised dates, exceptions, shipments, returns")
            .RequireGridRole(GridRoles.Sales, GridRoles.Crm, GridRoles.Erp, GridRoles.Ops);

        group.MapGet("/{orderId}/timeline", GetTimeline)
            .WithName("GetOrderTimeline")
            .WithSummary("Every transition of an order with its time and cause")
            .RequireGridRole(GridRoles.Sales, GridRoles.Crm, GridRoles.Erp, GridRoles.Ops);

        group.MapPost("/{orderId}/cancel", CancelOrder)
            .IsIdempotent()
            .WithName("CancelOrder")
            .WithSummary("Cancel what has not shipped; allocations are given back (refused once fully shipped)")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireGridRole(GridRoles.Sales);

        group.MapPost("/{orderId}/returns", AuthorizeReturn)
            .WithName("AuthorizeReturn")
            .WithSummary("Authorize the return of shipped units (idempotent by returnId)")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .RequireGridRole(GridRoles.Sales);

        group.MapOrderChangesApi();
        return api;
    }

    public static async Task<Results<Created<OrderView>, ValidationProblem, ProblemHttpResult>> SubmitOrder(SubmitOrderRequest? request, IGrainFactory grains)
    {
        if (request is null)
        {
            return GridProblems.Invalid("body", "A JSON body is required.");
        }

        var (command, errors) = Validate(request);
        if (command is null)
        {
            return GridProblems.Invalid(errors);
        }

        var result = await Order(grains, command.OrderId).Submit(command);
        if (OrderAnswers.Failed(result, out var invalid, out var problem))
        {
            return invalid is not null ? invalid : problem!;
        }

        return TypedResults.Created(Link(command.OrderId), result.Order);
    }

    public static async Task<Results<Ok<OrderView>, ValidationProblem, ProblemHttpResult>> GetOrder(string orderId, IGrainFactory grains)
    {
        if (RouteId(orderId) is { } invalid)
        {
            return invalid;
        }

        return OrderAnswers.Answer(await Order(grains, orderId).Get());
    }

    public static async Task<Results<Ok<OrderTimelineView>, ValidationProblem, ProblemHttpResult>> GetTimeline(string orderId, IGrainFactory grains)
    {
        if (RouteId(orderId) is { } invalid)
        {
            return invalid;
        }

        return await Order(grains, orderId).GetTimeline() is { } timeline
            ? TypedResults.Ok(timeline)
            : GridProblems.NotFound($"No order '{orderId}'.");
    }

    public static async Task<Results<Ok<OrderView>, ValidationProblem, ProblemHttpResult>> CancelOrder(string orderId, CancelOrderRequest? request, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        errors.Id("orderId", orderId);
        errors.Text("reason", request?.Reason);
        if (!errors.IsValid)
        {
            return GridProblems.Invalid(errors);
        }

        return OrderAnswers.Answer(await Order(grains, orderId).Cancel(request?.Reason ?? "cancelled by the sales channel"));
    }

    public static async Task<Results<Created<ReturnView>, ValidationProblem, ProblemHttpResult>> AuthorizeReturn(string orderId, ReturnRequest? request, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        errors.Id("orderId", orderId);
        if (request is null)
        {
            return GridProblems.Invalid("body", "A JSON body is required.");
        }

        errors.Id("returnId", request.ReturnId);
        var lines = ReadLines(request.Lines, errors, (field, item) =>
        {
            errors.Id($"{field}.lineId", item.LineId);
            errors.PositiveQuantity($"{field}.quantity", item.Quantity);
            return new ReturnLineInput(item.LineId!, item.Quantity ?? 0);
        });
        if (!errors.IsValid)
        {
            return GridProblems.Invalid(errors);
        }

        var result = await Order(grains, orderId).AuthorizeReturn(new AuthorizeReturn(request.ReturnId!, lines));
        if (OrderAnswers.Failed(result, out var invalid, out var problem))
        {
            return invalid is not null ? invalid : problem!;
        }

        var authorization = result.Order!.Returns.Single(r => r.ReturnId == request.ReturnId);
        return TypedResults.Created($"{Link(orderId)}#return-{Uri.EscapeDataString(request.ReturnId!)}", authorization);
    }

    /// <summary>Validates a submission and turns it into the grain command; null with the errors when it is not valid.</summary>
    internal static (SubmitOrder? Command, FieldErrors Errors) Validate(SubmitOrderRequest request)
    {
        var errors = new FieldErrors();
        errors.Id("orderId", request.OrderId);
        errors.Id("customerId", request.CustomerId);
        errors.Id("channel", request.Channel);
        if (errors.Required("shipTo", request.ShipTo))
        {
            errors.Id("shipTo.region", request.ShipTo.Region);
            errors.Text("shipTo.name", request.ShipTo.Name);
            errors.Text("shipTo.line1", request.ShipTo.Line1);
            errors.Text("shipTo.line2", request.ShipTo.Line2);
            errors.Text("shipTo.city", request.ShipTo.City);
            errors.Text("shipTo.postalCode", request.ShipTo.PostalCode, maxLength: 32);
            errors.Text("shipTo.country", request.ShipTo.Country, maxLength: 64);
        }

        var lineIds = new HashSet<string>(StringComparer.Ordinal);
        var reservationKeys = new HashSet<string>(StringComparer.Ordinal);
        var lines = ReadLines(request.Lines, errors, (field, item) =>
        {
            errors.Id($"{field}.lineId", item.LineId);
            errors.Sku($"{field}.sku", item.Sku);
            errors.PositiveQuantity($"{field}.quantity", item.Quantity);
            if (item.Location is not null)
            {
                errors.Location($"{field}.location", item.Location);
            }

            if (item.LineId is not null && !lineIds.Add(item.LineId))
            {
                errors.Add($"{field}.lineId", $"'{field}.lineId' repeats '{item.LineId}': each line of an order needs its own id.");
            }

            var reservationIds = ReadReservationIds(field, item, errors, reservationKeys);
            if (item.Preorder == true && item.Location is null)
            {
                errors.Add($"{field}.location", "A pre-order line names the 'location' whose inbound supply it is sold against.");
            }

            if (item.Preorder == true && reservationIds is not null)
            {
                errors.Add($"{field}.reservationIds", "A pre-order line takes over no reservations: it waits for inbound supply.");
            }

            return new OrderLineInput(item.LineId!, item.Sku!, item.Quantity ?? 0, item.Location, reservationIds, item.Preorder ?? false);
        });

        if (!errors.IsValid)
        {
            return (null, errors);
        }

        var shipTo = request.ShipTo!;
        return (new SubmitOrder(
            request.OrderId!,
            request.CustomerId!,
            request.Channel!,
            new ShipToAddress(shipTo.Region!, shipTo.Name, shipTo.Line1, shipTo.Line2, shipTo.City, shipTo.PostalCode, shipTo.Country),
            request.AllowSplit ?? false,
            lines,
            request.RequestedDeliveryDate), errors);
    }

    /// <summary>
    /// Reads a line's <c>reservationIds</c> (cart to order): each an id, at most <see cref="MaxReservationsPerLine"/>,
    /// none named twice for the same SKU in the order. Null when the line names none.
    /// </summary>
    private static ImmutableArray<string>? ReadReservationIds(string field, OrderLineItem item, FieldErrors errors, HashSet<string> seen)
    {
        if (item.ReservationIds is not { Count: > 0 } ids)
        {
            return null;
        }

        if (ids.Count > MaxReservationsPerLine)
        {
            errors.Add($"{field}.reservationIds", $"At most {MaxReservationsPerLine} reservations per line; {ids.Count} were sent.");
            return null;
        }

        for (var j = 0; j < ids.Count; j++)
        {
            var name = $"{field}.reservationIds[{j}]";
            errors.Id(name, ids[j]);
            if (ids[j] is { } id && item.Sku is { } sku && !seen.Add(string.Concat(sku, "\u001f", id)))
            {
                errors.Add(name, $"'{name}' repeats reservation '{id}' for SKU '{sku}': a reservation becomes the allocation of one line.");
            }
        }

        return [.. ids.Select(id => id ?? "")];
    }

    /// <summary>Reads a required, non-empty array of line objects, each through <paramref name="read"/>, naming <c>lines[i]</c> on errors.</summary>
    internal static ImmutableArray<T> ReadLines<TItem, T>(List<TItem?>? items, FieldErrors errors, Func<string, TItem, T> read, bool required = true)
        where TItem : class
    {
        if (items is null || items.Count == 0)
        {
            if (required)
            {
                errors.Add("lines", "'lines' is required: at least one line.");
            }

            return [];
        }

        if (items.Count > MaxLinesPerOrder)
        {
            errors.Add("lines", $"At most {MaxLinesPerOrder} lines; {items.Count} were sent.");
            return [];
        }

        var lines = ImmutableArray.CreateBuilder<T>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var field = $"lines[{i}]";
            if (items[i] is not { } item)
            {
                errors.Add(field, $"'{field}' must be an object.");
                continue;
            }

            lines.Add(read(field, item));
        }

        return lines.ToImmutable();
    }

    internal static IOrderGrain Order(IGrainFactory grains, string orderId) => grains.GetGrain<IOrderGrain>(OrderKeys.Order(orderId));

    private static string Link(string orderId) => $"/api/v1/orders/{Uri.EscapeDataString(orderId)}";

    private static ValidationProblem? RouteId(string orderId)
    {
        var errors = new FieldErrors();
        errors.Id("orderId", orderId);
        return errors.IsValid ? null : GridProblems.Invalid(errors);
    }
}

/// <summary>How an order's answer becomes HTTP: refusals name the order's status, conflicts the field.</summary>
internal static class OrderAnswers
{
    public static Results<Ok<OrderView>, ValidationProblem, ProblemHttpResult> Answer(OrderResult result)
    {
        if (Failed(result, out var invalid, out var problem))
        {
            return invalid is not null ? invalid : problem!;
        }

        return TypedResults.Ok(result.Order!);
    }

    /// <summary>True, with the problem to answer, for a result that is not a success.</summary>
    public static bool Failed(OrderResult result, out ValidationProblem? invalid, out ProblemHttpResult? problem)
    {
        invalid = null;
        problem = null;
        switch (result.Code)
        {
            case OrderResultCode.Ok or OrderResultCode.Created:
                return false;
            case OrderResultCode.Invalid:
                invalid = GridProblems.Invalid(result.Field ?? "body", result.Detail ?? "The request is invalid.");
                return true;
            case OrderResultCode.NotFound:
                problem = GridProblems.NotFound(result.Detail ?? "No such order.");
                return true;
            case OrderResultCode.ReservationsRefused:
                problem = GridProblems.Unprocessable(
                    "A reservation named on an order line cannot be taken over; nothing was stored.", result.Detail,
                    new Dictionary<string, object?>
                    {
                        ["lines"] = (result.Refusals ?? []).Select(r => new CartRefusalProblem(r.LineId, r.ReservationId, CamelCase(r.Reason.ToString()), r.Detail)).ToList(),
                    });
                return true;
            case OrderResultCode.PreorderRefused:
                problem = GridProblems.Conflict(
                    "A pre-order line cannot be taken; nothing was stored.", result.Detail,
                    new Dictionary<string, object?>
                    {
                        ["code"] = "preorder-refused",
                        ["lines"] = (result.PreorderRefusals ?? []).Select(r => new PreorderRefusalProblem(r.LineId, CamelCase(r.Reason.ToString()), r.Cap, r.Remaining, r.Detail)).ToList(),
                    });
                return true;
            case OrderResultCode.Conflict:
                problem = GridProblems.Unprocessable(
                    "The id is already used with different content.", result.Detail, new Dictionary<string, object?> { ["field"] = result.Field });
                return true;
            default:
                problem = GridProblems.Conflict(
                    "Not allowed in the order's current status.", result.Detail, new Dictionary<string, object?> { ["orderStatus"] = Status(result.Order) });
                return true;
        }
    }

    private static string? Status(OrderView? order)
        => order is null ? null : CamelCase(order.Status.ToString());

    private static string CamelCase(string name) => string.Concat(char.ToLowerInvariant(name[0]).ToString(), name[1..]);
}

/// <summary>One refused line in a <c>422</c> answer to a submission: the line, the reservation, the reason, a sentence.</summary>
public sealed record CartRefusalProblem(string LineId, string ReservationId, string Reason, string Detail);

/// <summary>One refused pre-order line in a <c>409</c> answer to a submission: the line, the reason, the cap and what it leaves, a sentence.</summary>
public sealed record PreorderRefusalProblem(string LineId, string Reason, long Cap, long Remaining, string Detail);
