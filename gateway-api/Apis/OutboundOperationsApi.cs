using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Grid.Gateway.Problems;
using Grid.Gateway.Security;
using Grid.Gateway.Validation;
using Grid.Outbound;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grid.Gateway.Apis;

/// <summary>
/// Outbound delivery for ops (<c>/api/v1/ops/outbox</c>): per target depth, oldest age, delivery lag percentiles, dead
/// letters (list, inspect, replay), pause and resume, and redelivery of one subject from a sequence. One group, so that
/// an ops role can be required of all of it at once.
/// </summary>
public static class OutboundOperationsApi
{
    public const int MaxLimit = 1000;

    public static RouteGroupBuilder MapOutboundOperationsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/ops/outbox").WithTags("Operations")
            .RequireGridRole(GridRoles.Ops);

        group.MapGet("/", GetTargets)
            .WithName("GetOutbox")
            .WithSummary("Per outbound target: depth, oldest age, delivered, failed attempts, dead letters, coalesced, paused, delivery lag p50/p90/p99");

        group.MapGet("/{target}/dead-letters", GetDeadLetters)
            .WithName("GetOutboundDeadLetters")
            .WithSummary("A target's dead letters, newest first (?limit=, default 100; ?includeData=true adds each event's data)")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{target}/dead-letters/{id}", GetDeadLetter)
            .WithName("GetOutboundDeadLetter")
            .WithSummary("One dead letter with its data, why it was given up on, and its attempts")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{target}/dead-letters/replay", ReplayDeadLetters)
            .WithName("ReplayOutboundDeadLetters")
            .WithSummary("Queue dead letters again at the head of their subjects: all of them, or those whose ids are given ({ ids })")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{target}/pause", Pause)
            .WithName("PauseOutboundTarget")
            .WithSummary("Stop delivering to a target; events keep queuing (availability changes coalesce)")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{target}/resume", Resume)
            .WithName("ResumeOutboundTarget")
            .WithSummary("Deliver to a paused target again")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{target}/redeliver", Redeliver)
            .WithName("RedeliverOutboundSubject")
            .WithSummary("Send a subject's events again from a sequence on ({ subject, fromSequence }), as far as they are retained")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return api;
    }

    public static async Task<Ok<OutboxResponse>> GetTargets(IGrainFactory grains)
        => TypedResults.Ok(new OutboxResponse(await Ops(grains).GetTargets()));

    public static async Task<Results<Ok<DeadLettersResponse>, ValidationProblem, ProblemHttpResult>> GetDeadLetters(
        string target, int? limit, bool? includeData, IGrainFactory grains)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return GridProblems.Invalid("limit", $"'limit' must be 1–{MaxLimit}.");
        }

        return await Ops(grains).GetDeadLetters(target, limit ?? 100, includeData ?? false) is { } letters
            ? TypedResults.Ok(new DeadLettersResponse(target, letters))
            : UnknownTarget(target);
    }

    public static async Task<Results<Ok<OutboundDeadLetterView>, ProblemHttpResult>> GetDeadLetter(string target, string id, IGrainFactory grains)
    {
        var ops = Ops(grains);
        if (await ops.GetDeadLetter(target, id) is { } letter)
        {
            return TypedResults.Ok(letter);
        }

        return (await ops.GetTargets()).Any(t => t.Target == target)
            ? GridProblems.NotFound($"Target '{target}' holds no dead letter '{id}'.")
            : UnknownTarget(target);
    }

    public static async Task<Results<Ok<ReplayedResponse>, ValidationProblem, ProblemHttpResult>> ReplayDeadLetters(
        string target, DeadLetterReplayRequest? request, IGrainFactory grains)
    {
        if (request?.Ids is { } ids)
        {
            if (ids.Count == 0)
            {
                return GridProblems.Invalid("ids", "'ids' must name at least one dead letter, or be left out to replay them all.");
            }

            var errors = new FieldErrors();
            for (var i = 0; i < ids.Count; i++)
            {
                errors.Id($"ids[{i}]", ids[i]);
            }

            if (!errors.IsValid)
            {
                return GridProblems.Invalid(errors);
            }
        }

        return await Ops(grains).ReplayDeadLetters(target, request?.Ids is { } wanted ? [.. wanted] : null) is { } replayed
            ? TypedResults.Ok(new ReplayedResponse(target, replayed))
            : UnknownTarget(target);
    }

    public static async Task<Results<Ok<PausedResponse>, ProblemHttpResult>> Pause(string target, IGrainFactory grains)
        => await Ops(grains).SetPaused(target, paused: true) ? TypedResults.Ok(new PausedResponse(target, true)) : UnknownTarget(target);

    public static async Task<Results<Ok<PausedResponse>, ProblemHttpResult>> Resume(string target, IGrainFactory grains)
        => await Ops(grains).SetPaused(target, paused: false) ? TypedResults.Ok(new PausedResponse(target, false)) : UnknownTarget(target);

    public static async Task<Results<Ok<RedeliveryResponse>, ValidationProblem, ProblemHttpResult>> Redeliver(
        string target, RedeliverRequest? request, IGrainFactory grains)
    {
        if (request is null)
        {
            return GridProblems.Invalid("body", "A JSON body is required: { subject, fromSequence }.");
        }

        var errors = new FieldErrors();
        errors.Text("subject", request.Subject, required: true, maxLength: 300);
        long from = 0;
        if (request.FromSequence is not { } sequence)
        {
            errors.Add("fromSequence", "'fromSequence' is required: the first sequence to send again (a number, or the string a receiver saw).");
        }
        else if (!TryReadSequence(sequence, out from) || from < 1)
        {
            errors.Add("fromSequence", "'fromSequence' must be a whole number of at least 1, as a JSON number or a decimal string such as \"00000000000000000042\".");
        }

        if (!errors.IsValid)
        {
            return GridProblems.Invalid(errors);
        }

        if (await Ops(grains).Redeliver(target, request.Subject!, from) is not { } result)
        {
            return UnknownTarget(target);
        }

        return result.Code switch
        {
            RedeliveryCode.NothingSent => GridProblems.Conflict(
                "Nothing to redeliver",
                $"Target '{target}' has sent subject '{request.Subject}' up to sequence {result.LastSequence}; nothing from {from} on.",
                new Dictionary<string, object?> { ["lastSequence"] = result.LastSequence }),
            _ => TypedResults.Ok(new RedeliveryResponse(
                target, request.Subject!, from, result.Queued, result.LastSequence, result.OldestRetained, Complete: result.Code == RedeliveryCode.Queued)),
        };
    }

    private static bool TryReadSequence(JsonElement value, out long sequence)
    {
        sequence = 0;
        return value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetInt64(out sequence),
            JsonValueKind.String => long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out sequence),
            _ => false,
        };
    }

    private static IOutboundOpsGrain Ops(IGrainFactory grains) => grains.GetGrain<IOutboundOpsGrain>(0);

    private static ProblemHttpResult UnknownTarget(string target)
        => GridProblems.NotFound($"No outbound target '{target}' is configured (Grid:Outbound:Targets:{target}).");
}

public sealed record OutboxResponse(ImmutableArray<OutboundTargetStatus> Targets);

public sealed record DeadLettersResponse(string Target, ImmutableArray<OutboundDeadLetterView> DeadLetters);

public sealed record DeadLetterReplayRequest(IReadOnlyList<string>? Ids);

public sealed record ReplayedResponse(string Target, int Replayed);

public sealed record PausedResponse(string Target, bool Paused);

public sealed record RedeliverRequest(string? Subject, JsonElement? FromSequence);

/// <summary><see cref="Complete"/> is false when some of the events asked for are no longer retained (from <see cref="OldestRetained"/> on they are).</summary>
public sealed record RedeliveryResponse(string Target, string Subject, long FromSequence, int Queued, long LastSequence, long? OldestRetained, bool Complete);
