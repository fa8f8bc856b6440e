using Grid.Gateway.Security;
using Grid.Gateway.Problems;
using Grid.Gateway.Requests;
using Grid.Gateway.Validation;
using Grid.Inventory;
using Grid.Orders;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grid.Gateway.Apis;

/// <summary>Reservations: soft holds on stock at one SKU-location, idempotent by the client's reservation id.</summary>
public static class ReservationsApi
{
    public static RouteGroupBuilder MapReservationsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/reservations").WithTags("Reservations")
            .RequireGridRole(GridRoles.Sales);

        group.MapPost("/", CreateReservation)
            .IsIdempotent()
            .WithName("CreateReservation")
            .WithSummary("Hold stock for a channel (all or nothing unless allowPartial)")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        group.MapGet("/{key}/{reservationId}", GetReservation)
            .WithName("GetReservation")
            .WithSummary("A reservation, by SKU@LOCATION and id");

        group.MapPost("/{key}/{reservationId}/commit", CommitReservation)
            .IsIdempotent()
            .WithName("CommitReservation")
            .WithSummary("Confirm a reservation as its order's allocation: only for an order that lists it in a line's reservationIds (409 otherwise)")
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapDelete("/{key}/{reservationId}", ReleaseReservation)
            .IsIdempotent()
            .WithName("ReleaseReservation")
            .WithSummary("Release a reservation (idempotent)")
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/{key}/{reservationId}/extend", ExtendReservation)
            .WithName("ExtendReservation")
            .WithSummary("Move an active reservation's expiry (capped by the maximum TTL)")
            .ProducesProblem(StatusCodes.Status409Conflict);

        return api;
    }

    public static async Task<Results<Created<ReservationView>, ValidationProblem, ProblemHttpResult>> CreateReservation(
        CreateReservationRequest? request, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        if (request is null)
        {
            return GridProblems.Invalid("body", "A JSON body is required.");
        }

        errors.Id("reservationId", request.ReservationId);
        errors.Sku("sku", request.Sku);
        errors.Location("location", request.Location);
        errors.PositiveQuantity("quantity", request.Quantity);
        errors.Id("channel", request.Channel);
        errors.Id("orderId", request.OrderId, required: false);
        errors.Id("customerId", request.CustomerId, required: false);
        if (request.TtlSeconds is <= 0)
        {
            errors.Add("ttlSeconds", "'ttlSeconds' must be a positive number of seconds.");
        }

        if (!errors.IsValid)
        {
            return GridProblems.Invalid(errors);
        }

        var command = new ReserveStock(request.ReservationId!, request.Channel!, request.Quantity!.Value, request.TtlSeconds, request.AllowPartial ?? false, request.OrderId, CustomerId: request.CustomerId);
        var result = await Grain(grains, request.Sku!, request.Location!).Reserve(command);
        return result.Code switch
        {
            ReservationResultCode.Created or ReservationResultCode.Ok => TypedResults.Created(Link(result.Reservation!), result.Reservation),
            ReservationResultCode.Invalid => InvalidFrom(result),
            _ => ProblemFor(result),
        };
    }

    public static async Task<Results<Ok<ReservationView>, ValidationProblem, ProblemHttpResult>> GetReservation(
        string key, string reservationId, IGrainFactory grains)
    {
        if (Route(key, reservationId) is { } invalid)
        {
            return invalid;
        }

        var result = await grains.Ref<IInventoryGrain>(key).GetReservation(reservationId);
        return Answer(result);
    }

    public static async Task<Results<Ok<ReservationView>, ValidationProblem, ProblemHttpResult>> CommitReservation(
        string key, string reservationId, CommitReservationRequest? request, IGrainFactory grains)
    {
        if (Route(key, reservationId) is { } invalid)
        {
            return invalid;
        }

        var errors = new FieldErrors();
        errors.Id("orderId", request?.OrderId, required: false);
        if (!errors.IsValid)
        {
            return GridProblems.Invalid(errors);
        }

        // A committed reservation is always tracked by its order: the commit goes through the order, which allows it
        // only for a reservation one of its lines lists (taken over at submission).
        var inventory = grains.Ref<IInventoryGrain>(key);
        var orderId = request?.OrderId;
        if (orderId is null)
        {
            var current = await inventory.GetReservation(reservationId);
            if (current.Code != ReservationResultCode.Ok)
            {
                return Answer(current);
            }

            orderId = current.Reservation!.OrderId;
            if (orderId is null)
            {
                return GridProblems.Invalid("orderId", $"Reservation '{reservationId}' was made without an order; name the orderId to commit it to.");
            }
        }

        var tracked = await OrdersApi.Order(grains, orderId).CommitReservation(key, reservationId);
        if (tracked.Code is not (OrderResultCode.Ok or OrderResultCode.Created))
        {
            return GridProblems.Conflict("The order does not track this reservation.", tracked.Detail, new Dictionary<string, object?> { ["orderId"] = orderId });
        }

        return Answer(await inventory.Commit(reservationId, orderId));
    }

    public static async Task<Results<Ok<ReservationView>, ValidationProblem, ProblemHttpResult>> ReleaseReservation(
        string key, string reservationId, IGrainFactory grains)
    {
        if (Route(key, reservationId) is { } invalid)
        {
            return invalid;
        }

        var result = await grains.Ref<IInventoryGrain>(key).Release(reservationId);
        return Answer(result);
    }

    public static async Task<Results<Ok<ReservationView>, ValidationProblem, ProblemHttpResult>> ExtendReservation(
        string key, string reservationId, ExtendReservationRequest? request, IGrainFactory grains)
    {
        if (Route(key, reservationId) is { } invalid)
        {
            return invalid;
        }

        if (request?.TtlSeconds is not { } ttl || ttl <= 0)
        {
            return GridProblems.Invalid("ttlSeconds", "'ttlSeconds' is required and must be a positive number of seconds.");
        }

        var result = await grains.Ref<IInventoryGrain>(key).Extend(reservationId, ttl);
        return Answer(result);
    }

    /// <summary>409 naming <c>quota-exhausted</c> and the quota: its policy, bucket, quantity, what is consumed and what is left.</summary>
    public static ProblemHttpResult QuotaExhausted(string? detail, QuotaLeft? quota)
        => GridProblems.Conflict("The product allocation quota is exhausted.", detail, new Dictionary<string, object?>
        {
            ["code"] = "quota-exhausted",
            ["quota"] = quota,
            ["available"] = quota?.Remaining ?? 0,
        });

    private static IInventoryGrain Grain(IGrainFactory grains, string sku, string location)
        => grains.Ref<IInventoryGrain>(Identifiers.SkuLocationKey(sku, location));

    private static ValidationProblem? Route(string key, string reservationId)
    {
        var errors = new FieldErrors();
        errors.SkuLocationKey("key", key);

        errors.Id("reservationId", reservationId);
        return errors.IsValid ? null : GridProblems.Invalid(errors);
    }

    private static Results<Ok<ReservationView>, ValidationProblem, ProblemHttpResult> Answer(ReservationResult result) => result.Code switch
    {
        ReservationResultCode.Ok or ReservationResultCode.Created => TypedResults.Ok(result.Reservation!),
        ReservationResultCode.Invalid => InvalidFrom(result),
        _ => ProblemFor(result),
    };

    private static string Link(ReservationView r)
        => $"/api/v1/reservations/{Uri.EscapeDataString(Identifiers.SkuLocationKey(r.Sku, r.Location))}/{Uri.EscapeDataString(r.ReservationId)}";

    private static ValidationProblem InvalidFrom(ReservationResult result)
        => GridProblems.Invalid(result.Field ?? "body", result.Detail ?? "The request is invalid.");

    private static ProblemHttpResult ProblemFor(ReservationResult result) => result.Code switch
    {
        ReservationResultCode.QuotaExhausted => QuotaExhausted(result.Detail, result.Quota),
        ReservationResultCode.InsufficientStock => GridProblems.Conflict(
            "Not enough available to promise.", result.Detail, new Dictionary<string, object?> { ["available"] = result.Available }),
        ReservationResultCode.IdConflict => GridProblems.Unprocessable(
            "The reservation id is already used by a different request.", result.Detail, new Dictionary<string, object?> { ["reservationId"] = result.Reservation?.ReservationId }),
        ReservationResultCode.NotFound => GridProblems.NotFound(result.Detail ?? "No such reservation."),
        ReservationResultCode.NotActive => GridProblems.Conflict(
            "The reservation is no longer active.", result.Detail, new Dictionary<string, object?> { ["reservationStatus"] = result.Reservation?.Status.ToString().ToLowerInvariant() }),
        _ => TypedResults.Problem(result.Detail, statusCode: StatusCodes.Status500InternalServerError),
    };
}
