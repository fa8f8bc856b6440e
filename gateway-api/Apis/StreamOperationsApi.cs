using Grid.Exceptions;
using Grid.Gateway.Security;
using Grid.Hosting;
using Grid.Gateway.Problems;
using Grid.Streams;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Grid.Gateway.Apis;

/// <summary>What waits in the event queues and what was given up on (<c>/api/v1/ops/streams</c>).</summary>
public static class StreamOperationsApi
{
    public static RouteGroupBuilder MapStreamOperationsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/ops/streams").WithTags("Operations")
            .RequireGridRole(GridRoles.Ops);

        group.MapGet("/", GetStreams)
            .WithName("GetStreamQueues")
            .WithSummary("Event queue depth and age per queue, dead letters and the latest of them");

        group.MapPost("/dead-letters/replay", ReplayDeadLetters)
            .WithName("ReplayStreamDeadLetters")
            .WithSummary("Put dead letters back on their queues: all of them, or those whose messageIds are given");

        return api;
    }

    public static async Task<Ok<StreamQueuesView>> GetStreams(IServiceProvider services, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (services.GetKeyedService<PostgresStreamQueues>(GridStreams.ProviderName) is not { } queues)
        {
            return TypedResults.Ok(new StreamQueuesView(GridStreams.ProviderName, Durable: false, null, null, null, [], 0, []));
        }

        var statistics = await queues.GetStatisticsAsync(cancellationToken: cancellationToken);
        var now = clock.GetUtcNow();
        return TypedResults.Ok(new StreamQueuesView(
            statistics.Provider,
            Durable: true,
            statistics.Depth,
            statistics.OldestEnqueuedAt,
            statistics.OldestEnqueuedAt is { } oldest ? Math.Max(0, (now - oldest).TotalSeconds) : 0,
            [.. statistics.Queues.Select(q => new QueueView(q.QueueId, q.Depth, q.OldestEnqueuedAt))],
            statistics.DeadLetters,
            [.. statistics.RecentDeadLetters.Select(d => new DeadLetterView(
                d.MessageId, $"{d.StreamNamespace}/{d.StreamKey}", d.EnqueuedAt, d.DeadLetteredAt, d.DeliveryAttempts, d.Reason))]));
    }

    public static async Task<Results<Ok<ReplayResult>, ValidationProblem, ProblemHttpResult>> ReplayDeadLetters(
        ReplayRequest? request, IServiceProvider services, IGrainFactory grains, IOptions<GridStreamOptions> streams, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (services.GetKeyedService<PostgresStreamQueues>(GridStreams.ProviderName) is not { } queues)
        {
            return GridProblems.NotFound("Dev mode keeps its event streams in memory and has no dead letters to replay.");
        }

        if (request?.MessageIds is { Count: 0 })
        {
            return GridProblems.Invalid("messageIds", "'messageIds' must name at least one message, or be left out to replay every dead letter.");
        }

        var replayed = await queues.ReplayDeadLettersAsync(request?.MessageIds, cancellationToken);
        if (replayed > 0 && (await queues.GetStatisticsAsync(0, cancellationToken)).DeadLetters == 0)
        {
            // Nothing is left dead-lettered: the queues' dead-letter exceptions resolve, by the system.
            var now = clock.GetUtcNow();
            await grains.GetGrain<IExceptionQueueGrain>(0).Clear([.. Enumerable.Range(0, streams.Value.QueueCount).Select(q => new ExceptionClearanceInput(
                ExceptionKind.StreamDeadLetter,
                ExceptionSubject.StreamQueue(GridStreams.ProviderName, q),
                "Every dead letter was replayed.",
                now))]);
        }

        return TypedResults.Ok(new ReplayResult(replayed));
    }
}

public sealed record StreamQueuesView(
    string Provider,
    bool Durable,
    long? Depth,
    DateTimeOffset? OldestEnqueuedAt,
    double? OldestAgeSeconds,
    IReadOnlyList<QueueView> Queues,
    long DeadLetters,
    IReadOnlyList<DeadLetterView> RecentDeadLetters);

public sealed record QueueView(int QueueId, long Depth, DateTimeOffset OldestEnqueuedAt);

public sealed record DeadLetterView(
    long MessageId, string Stream, DateTimeOffset EnqueuedAt, DateTimeOffset DeadLetteredAt, int DeliveryAttempts, string Reason);

public sealed record ReplayRequest(IReadOnlyList<long>? MessageIds);

public sealed record ReplayResult(int Replayed);
