using System.Collections.Immutable;
using Grid.Gateway.Problems;
using Grid.Gateway.Security;
using Grid.Gateway.Validation;
using Grid.Outbound;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grid.Gateway.Apis;

/// <summary>
/// Webhook subscriptions for ops (<c>/api/v1/ops/subscriptions</c>): outbound targets made, changed, paused and deleted
/// through the API, stored durably, and their secrets rotated with an overlap. Targets from configuration are listed,
/// read-only. Their delivery is watched and handled under <c>/api/v1/ops/outbox</c> like any target's.
/// </summary>
public static class SubscriptionsApi
{
    public const int DefaultOverlapSeconds = 24 * 60 * 60;

    public static RouteGroupBuilder MapSubscriptionsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/ops/subscriptions").WithTags("Operations")
            .RequireGridRole(GridRoles.Ops);

        group.MapGet("/", List)
            .WithName("ListSubscriptions")
            .WithSummary("Every outbound target: subscriptions made through the API, and the targets from configuration (read-only)");

        group.MapPost("/", Create)
            .WithName("CreateSubscription")
            .WithSummary("Make a subscription: { name, url, eventTypes, secret?, start?, maxRequestsPerSecond?, maxConcurrentRequests?, batchSize?, paused? }; answers a generated secret once")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/{name}", Get)
            .WithName("GetSubscription")
            .WithSummary("One subscription or configured target (never its secret)")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPut("/{name}", Update)
            .WithName("UpdateSubscription")
            .WithSummary("Change a subscription's url, eventTypes, maxRequestsPerSecond, maxConcurrentRequests, batchSize or paused; settings left out stay as they are")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapDelete("/{name}", Delete)
            .WithName("DeleteSubscription")
            .WithSummary("Delete a subscription: delivery stops and the events waiting for it are dropped")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/{name}/pause", Pause)
            .WithName("PauseSubscription")
            .WithSummary("Stop delivering to a subscription; its events keep waiting")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/{name}/resume", Resume)
            .WithName("ResumeSubscription")
            .WithSummary("Deliver to a paused subscription again")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/{name}/secret/rotate", RotateSecret)
            .WithName("RotateSubscriptionSecret")
            .WithSummary("A new signing secret ({ secret?, overlapSeconds? }); the previous one signs too until the overlap ends (default 24 h)")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return api;
    }

    public static async Task<Ok<SubscriptionsResponse>> List(IGrainFactory grains)
        => TypedResults.Ok(new SubscriptionsResponse(await Registry(grains).List()));

    public static async Task<Results<Ok<SubscriptionView>, ProblemHttpResult>> Get(string name, IGrainFactory grains)
        => await Registry(grains).Get(name) is { } view ? TypedResults.Ok(view) : NotFound(name);

    public static async Task<Results<Created<SubscriptionResponse>, ValidationProblem, ProblemHttpResult>> Create(SubscriptionRequest? request, IGrainFactory grains)
    {
        if (request is null)
        {
            return GridProblems.Invalid("body", "A JSON body is required: { name, url, eventTypes }.");
        }

        var errors = new FieldErrors();
        errors.Required("name", request.Name);
        var settings = Settings(request, errors);
        if (!errors.IsValid)
        {
            return GridProblems.Invalid(errors);
        }

        var change = await Registry(grains).Create(request.Name!, settings, request.Secret);
        return Answer(request.Name!, change, view => TypedResults.Created($"/api/v1/ops/subscriptions/{view.Name}", new SubscriptionResponse(view, change.Secret)));
    }

    public static async Task<Results<Ok<SubscriptionView>, ValidationProblem, ProblemHttpResult>> Update(string name, SubscriptionRequest? request, IGrainFactory grains)
    {
        if (request is null)
        {
            return GridProblems.Invalid("body", "A JSON body is required: the settings to change.");
        }

        var errors = new FieldErrors();
        if (request.Name is { } renamed && renamed != name)
        {
            errors.Add("name", "'name' cannot change: delete the subscription and make a new one.");
        }

        if (request.Secret is not null)
        {
            errors.Add("secret", $"'secret' is changed by POST /api/v1/ops/subscriptions/{name}/secret/rotate, with an overlap.");
        }

        var settings = Settings(request, errors);
        if (!errors.IsValid)
        {
            return GridProblems.Invalid(errors);
        }

        return Answer(name, await Registry(grains).Update(name, settings), TypedResults.Ok);
    }

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Delete(string name, IGrainFactory grains)
        => Answer(name, await Registry(grains).Delete(name), _ => TypedResults.NoContent());

    public static Task<Results<Ok<SubscriptionView>, ValidationProblem, ProblemHttpResult>> Pause(string name, IGrainFactory grains)
        => SetPausedAsync(name, paused: true, grains);

    public static Task<Results<Ok<SubscriptionView>, ValidationProblem, ProblemHttpResult>> Resume(string name, IGrainFactory grains)
        => SetPausedAsync(name, paused: false, grains);

    public static async Task<Results<Ok<SubscriptionResponse>, ValidationProblem, ProblemHttpResult>> RotateSecret(
        string name, SecretRotationRequest? request, IGrainFactory grains)
    {
        var overlap = TimeSpan.FromSeconds(request?.OverlapSeconds ?? DefaultOverlapSeconds);
        var change = await Registry(grains).RotateSecret(name, request?.Secret, overlap);
        return Answer(name, change, view => TypedResults.Ok(new SubscriptionResponse(view, change.Secret)));
    }

    private static async Task<Results<Ok<SubscriptionView>, ValidationProblem, ProblemHttpResult>> SetPausedAsync(string name, bool paused, IGrainFactory grains)
        => Answer(name, await Registry(grains).Update(name, new SubscriptionSettings(null, null, null, null, null, paused, null)), TypedResults.Ok);

    /// <summary>The request's settings; a start other than now or snapshot is named in <paramref name="errors"/>.</summary>
    private static SubscriptionSettings Settings(SubscriptionRequest request, FieldErrors errors)
    {
        SubscriptionStart? start = request.Start switch
        {
            null => null,
            "now" => SubscriptionStart.Now,
            "snapshot" => SubscriptionStart.Snapshot,
            _ => null,
        };
        if (request.Start is not null && start is null)
        {
            errors.Add("start", $"'start' is now (changes from now on) or snapshot (every SKU-location's availability once, then changes), not '{request.Start}'.");
        }

        return new SubscriptionSettings(
            request.Url, request.EventTypes is { } types ? [.. types] : null, request.MaxRequestsPerSecond, request.MaxConcurrentRequests,
            request.BatchSize, request.Paused, start);
    }

    private static Results<T, ValidationProblem, ProblemHttpResult> Answer<T>(string name, SubscriptionChange change, Func<SubscriptionView, T> done)
        where T : IResult
        => change.Code switch
        {
            SubscriptionCode.Done => done(change.Subscription!),
            SubscriptionCode.Invalid => GridProblems.Invalid(Errors(change.Problems)),
            SubscriptionCode.Exists => GridProblems.Conflict("The subscription exists.", $"A subscription named '{name}' exists already: change it with PUT, or choose another name."),
            SubscriptionCode.Configured => GridProblems.Conflict(
                "The target is configured.", $"'{name}' is an outbound target from configuration (Grid:Outbound:Targets:{name}): it is read-only here."),
            _ => NotFound(name),
        };

    private static FieldErrors Errors(ImmutableArray<FieldProblem> problems)
    {
        var errors = new FieldErrors();
        foreach (var problem in problems)
        {
            errors.Add(problem.Field, problem.Message);
        }

        return errors;
    }

    private static ISubscriptionRegistryGrain Registry(IGrainFactory grains) => grains.GetGrain<ISubscriptionRegistryGrain>(ISubscriptionRegistryGrain.Key);

    private static ProblemHttpResult NotFound(string name) => GridProblems.NotFound($"No subscription or outbound target '{name}' exists.");
}

/// <summary>A subscription's settings; left out, each keeps its value (or, on create, its default).</summary>
public sealed record SubscriptionRequest(
    string? Name,
    string? Url,
    IReadOnlyList<string>? EventTypes,
    string? Secret,
    string? Start,
    double? MaxRequestsPerSecond,
    int? MaxConcurrentRequests,
    int? BatchSize,
    bool? Paused);

public sealed record SecretRotationRequest(string? Secret, int? OverlapSeconds);

public sealed record SubscriptionsResponse(ImmutableArray<SubscriptionView> Subscriptions);

/// <summary>A subscription, and its secret when Grid generated one just now (it is never shown again).</summary>
public sealed record SubscriptionResponse(SubscriptionView Subscription, string? Secret);
