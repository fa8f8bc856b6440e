using System.Collections.Immutable;
using System.Security.Claims;
using Grid.Exceptions;
using Grid.Gateway.Problems;
using Grid.Gateway.Security;
using Grid.Gateway.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grid.Gateway.Apis;

/// <summary>
/// The exception queue for ops (<c>/api/v1/ops/exceptions</c>): everything a person must act on (order exceptions,
/// failed self-checks, reconciliation discrepancies, dead letters), listed with filters and a cursor, and acknowledged,
/// assigned, resolved and reopened one by one.
/// </summary>
public static class ExceptionsApi
{
    public const int MaxLimit = 1000;

    public static RouteGroupBuilder MapExceptionsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/ops/exceptions").WithTags("Operations").RequireGridRole(GridRoles.Ops);

        group.MapGet("/", List)
            .WithName("GetOrderExceptions")
            .WithSummary("The exception queue, newest first: ?kind=, ?state=, ?severity= (at least), ?subjectType=, ?subjectId=, ?orderId=, ?assignedTo=, ?cursor=, ?limit= (default 100)");

        group.MapGet("/{id}", Get)
            .WithName("GetException")
            .WithSummary("One exception: kind, severity, subject, first and last seen, count, and who acknowledged, was assigned and resolved it")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id}/acknowledge", Acknowledge)
            .WithName("AcknowledgeException")
            .WithSummary("Someone is on it ({ by }, default: the caller); refused for a resolved exception")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/{id}/assign", Assign)
            .WithName("AssignException")
            .WithSummary("Give an unresolved exception to someone ({ assignee, by }); an open one is acknowledged with it")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/{id}/resolve", Resolve)
            .WithName("ResolveException")
            .WithSummary("Resolve an unresolved exception, saying what was done ({ note, by })")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/{id}/reopen", Reopen)
            .WithName("ReopenException")
            .WithSummary("Open a resolved exception again ({ by }); refused while another one of the same kind and subject is open")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return api;
    }

    public static async Task<Results<Ok<ExceptionsResponse>, ValidationProblem>> List(
        [AsParameters] ExceptionQuery query, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        var kinds = errors.Names<ExceptionKind>("kind", query.Kind);
        var states = errors.Names<ExceptionState>("state", query.State);
        var severities = errors.Names<ExceptionSeverity>("severity", query.Severity);
        var subjectTypes = errors.Names<ExceptionSubjectType>("subjectType", query.SubjectType);
        errors.Id("subjectId", query.SubjectId, required: false);
        errors.Id("orderId", query.OrderId, required: false);
        errors.Text("assignedTo", query.AssignedTo, maxLength: 200);
        if (severities.Length > 1 || subjectTypes.Length > 1)
        {
            errors.Add(severities.Length > 1 ? "severity" : "subjectType", "Name one value.");
        }

        if (query.OrderId is not null && (query.SubjectId is not null || subjectTypes.Length > 0))
        {
            errors.Add("orderId", "'orderId' is short for subjectType=order&subjectId=...; give one or the other.");
        }

        if (query.Limit is < 1 or > MaxLimit)
        {
            errors.Add("limit", $"'limit' must be 1–{MaxLimit}.");
        }

        if (!errors.IsValid)
        {
            return GridProblems.Invalid(errors);
        }

        var filter = new ExceptionFilter(
            kinds, states, severities.IsEmpty ? null : severities[0],
            query.OrderId is not null ? ExceptionSubjectType.Order : subjectTypes.IsEmpty ? null : subjectTypes[0],
            query.OrderId ?? query.SubjectId, query.AssignedTo);
        return await Queue(grains).List(filter, query.Cursor, query.Limit ?? 100) is { } page
            ? TypedResults.Ok(new ExceptionsResponse(page.Exceptions, page.NextCursor))
            : GridProblems.Invalid("cursor", "'cursor' must be the 'nextCursor' of an earlier page of this list.");
    }

    public static async Task<Results<Ok<ExceptionView>, ProblemHttpResult>> Get(string id, IGrainFactory grains)
        => await Queue(grains).Get(id) is { } exception ? TypedResults.Ok(exception) : GridProblems.NotFound($"No exception '{id}'.");

    public static Task<Results<Ok<ExceptionView>, ValidationProblem, ProblemHttpResult>> Acknowledge(
        string id, ExceptionActionRequest? request, ClaimsPrincipal caller, IGrainFactory grains)
        => ActAsync(id, ExceptionActionType.Acknowledge, request, caller, grains);

    public static Task<Results<Ok<ExceptionView>, ValidationProblem, ProblemHttpResult>> Assign(
        string id, ExceptionActionRequest? request, ClaimsPrincipal caller, IGrainFactory grains)
        => ActAsync(id, ExceptionActionType.Assign, request, caller, grains);

    public static Task<Results<Ok<ExceptionView>, ValidationProblem, ProblemHttpResult>> Resolve(
        string id, ExceptionActionRequest? request, ClaimsPrincipal caller, IGrainFactory grains)
        => ActAsync(id, ExceptionActionType.Resolve, request, caller, grains);

    public static Task<Results<Ok<ExceptionView>, ValidationProblem, ProblemHttpResult>> Reopen(
        string id, ExceptionActionRequest? request, ClaimsPrincipal caller, IGrainFactory grains)
        => ActAsync(id, ExceptionActionType.Reopen, request, caller, grains);

    private static async Task<Results<Ok<ExceptionView>, ValidationProblem, ProblemHttpResult>> ActAsync(
        string id, ExceptionActionType type, ExceptionActionRequest? request, ClaimsPrincipal caller, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        errors.Text("by", request?.By, maxLength: 200);
        if (type == ExceptionActionType.Assign)
        {
            errors.Text("assignee", request?.Assignee, required: true, maxLength: 200);
        }

        if (type == ExceptionActionType.Resolve)
        {
            errors.Text("note", request?.Note, required: true, maxLength: 2000);
        }

        if (!errors.IsValid)
        {
            return GridProblems.Invalid(errors);
        }

        var by = request?.By ?? caller.Identity?.Name ?? "unknown";
        var result = await Queue(grains).Act(id, new ExceptionAction(type, by, request?.Assignee, request?.Note));
        return result.Code switch
        {
            ExceptionResultCode.Ok => TypedResults.Ok(result.Exception!),
            ExceptionResultCode.NotFound => GridProblems.NotFound(result.Problem ?? $"No exception '{id}'."),
            _ => GridProblems.Conflict("The exception's state does not allow this.", result.Problem,
                new Dictionary<string, object?> { ["state"] = result.Exception is { } e ? Camel(e.State.ToString()) : null }),
        };
    }

    private static string Camel(string name) => string.Concat(char.ToLowerInvariant(name[0]).ToString(), name[1..]);

    private static IExceptionQueueGrain Queue(IGrainFactory grains) => grains.GetGrain<IExceptionQueueGrain>(0);
}

/// <summary>The query of the exception list; each filter takes camelCase names, <c>kind</c> and <c>state</c> several separated by commas.</summary>
public sealed record ExceptionQuery(
    string? Kind, string? State, string? Severity, string? SubjectType, string? SubjectId, string? OrderId, string? AssignedTo, string? Cursor, int? Limit);

/// <summary><see cref="NextCursor"/> gives the next page (<c>?cursor=</c>); null on the last one.</summary>
public sealed record ExceptionsResponse(ImmutableArray<ExceptionView> Exceptions, string? NextCursor);

/// <summary>
/// The body of an action on an exception (optional for acknowledge and reopen): <see cref="By"/> names the person
/// (default: the API client's name), <see cref="Assignee"/> whom to assign it to, <see cref="Note"/> what resolved it.
/// </summary>
public sealed record ExceptionActionRequest(string? By, string? Assignee, string? Note);
