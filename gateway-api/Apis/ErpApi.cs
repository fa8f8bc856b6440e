using Grid.Gateway.Security;
using Grid.Gateway.Problems;
using Grid.Gateway.Requests;
using Grid.Gateway.Validation;
using Grid.Orders;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grid.Gateway.Apis;

/// <summary>
/// What the ERP owns and tells Grid: customer credit (a hold stops release, a release releases) and invoices (an
/// invoiced, delivered order closes).
/// </summary>
public static class ErpApi
{
    public static RouteGroupBuilder MapErpApi(this RouteGroupBuilder api)
    {
        api.MapPut("/customers/{customerId}/credit", SetCredit)
            .IsIdempotent()
            .WithTags("ERP")
            .WithName("SetCustomerCredit")
            .WithSummary("Set a customer's credit status (active or hold); an update older than the one applied is ignored")
            .RequireGridRole(GridRoles.Erp);

        api.MapPut("/customers/{customerId}/group", SetGroup)
            .WithTags("ERP")
            .WithName("SetCustomerGroup")
            .WithSummary("Set a customer's customer group (product allocation rations by it); an update older than the one applied is ignored")
            .RequireGridRole(GridRoles.Erp);

        api.MapPost("/erp/invoices", PostInvoice)
            .WithTags("ERP")
            .WithName("PostInvoice")
            .WithSummary("Post an invoice for an order (idempotent by invoiceId); a delivered order that is fully invoiced closes")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .RequireGridRole(GridRoles.Erp);

        return api;
    }

    public static async Task<Results<Ok<CustomerCreditView>, ValidationProblem>> SetCredit(string customerId, CreditRequest? request, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        errors.Id("customerId", customerId);
        if (request is null)
        {
            return GridProblems.Invalid("body", "A JSON body is required.");
        }

        if (ReadCredit(request, errors) is not { } update)
        {
            return GridProblems.Invalid(errors);
        }

        var credit = await grains.GetGrain<ICustomerGrain>(OrderKeys.Customer(customerId))
            .SetCredit(update);
        return TypedResults.Ok(credit);
    }

    /// <summary>Checks a credit update as <c>PUT .../credit</c> and an import line take it: the update, or null with <paramref name="errors"/> saying why.</summary>
    internal static CreditUpdate? ReadCredit(CreditRequest request, FieldErrors errors)
    {
        CreditStatus? status = request.Status switch
        {
            "active" => CreditStatus.Active,
            "hold" => CreditStatus.Hold,
            _ => null,
        };
        if (errors.Required("status", request.Status) && status is null)
        {
            errors.Add("status", "'status' must be active or hold.");
        }

        errors.Text("reason", request.Reason);
        errors.Required("updatedAt", request.UpdatedAt);
        return errors.IsValid ? new CreditUpdate(status!.Value, request.Reason, request.UpdatedAt!.Value.ToUniversalTime()) : null;
    }

    public static async Task<Results<Ok<CustomerGroupView>, ValidationProblem>> SetGroup(string customerId, CustomerGroupRequest? request, IGrainFactory grains)
    {
        if (request is null)
        {
            return GridProblems.Invalid("body", "A JSON body is required.");
        }

        var errors = new FieldErrors();
        errors.Id("customerId", customerId);
        errors.Id("group", request.Group, required: false);
        errors.Required("updatedAt", request.UpdatedAt);
        if (!errors.IsValid)
        {
            return GridProblems.Invalid(errors);
        }

        var group = await grains.GetGrain<ICustomerGrain>(OrderKeys.Customer(customerId))
            .SetGroup(new CustomerGroupUpdate(request.Group, request.UpdatedAt!.Value.ToUniversalTime()));
        return TypedResults.Ok(group);
    }

    public static async Task<Results<Ok<OrderView>, ValidationProblem, ProblemHttpResult>> PostInvoice(InvoiceRequest? request, IGrainFactory grains)
    {
        if (request is null)
        {
            return GridProblems.Invalid("body", "A JSON body is required.");
        }

        var errors = new FieldErrors();
        errors.Id("invoiceId", request.InvoiceId);
        errors.Id("orderId", request.OrderId);
        errors.Required("postedAt", request.PostedAt);
        var lines = request.Lines is null
            ? (System.Collections.Immutable.ImmutableArray<InvoiceLineInput>?)null
            : OrdersApi.ReadLines(request.Lines, errors, (field, item) =>
            {
                errors.Id($"{field}.lineId", item.LineId);
                errors.PositiveQuantity($"{field}.quantity", item.Quantity);
                return new InvoiceLineInput(item.LineId!, item.Quantity ?? 0);
            });
        if (!errors.IsValid)
        {
            return GridProblems.Invalid(errors);
        }

        var result = await OrdersApi.Order(grains, request.OrderId!)
            .PostInvoice(new PostInvoice(request.InvoiceId!, lines, request.PostedAt!.Value.ToUniversalTime()));
        return OrderAnswers.Answer(result);
    }
}
