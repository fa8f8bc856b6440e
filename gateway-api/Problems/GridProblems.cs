using Grid.Gateway.Events;
using Grid.Gateway.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grid.Gateway.Problems;

/// <summary>Problem Details the gateway answers with, so that every error names what is wrong.</summary>
public static class GridProblems
{
    public static ValidationProblem Invalid(FieldErrors errors)
        => TypedResults.ValidationProblem(errors.ToDictionary(), title: "The request is invalid.");

    public static ValidationProblem Invalid(string field, string message)
    {
        var errors = new FieldErrors();
        errors.Add(field, message);
        return Invalid(errors);
    }

    public static ProblemHttpResult NotFound(string detail)
        => TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found.");

    public static ProblemHttpResult Conflict(string title, string? detail, IDictionary<string, object?>? extensions = null)
        => TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: title, extensions: extensions);

    /// <summary>
    /// A batch of <paramref name="kind"/> events refused, none of it stored, with <c>Retry-After</c>: 429 while Grid is
    /// behind, 503 while a queue it would join goes unread.
    /// </summary>
    public static ProblemHttpResult Refused(HttpContext context, IngestRefusal refusal, string kind)
    {
        context.Response.Headers.RetryAfter = refusal.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return refusal.QueueUnread ? Unread(refusal, kind) : Behind(refusal, kind);
    }

    private static ProblemHttpResult Unread(IngestRefusal refusal, string kind)
        => TypedResults.Problem(
            $"An event queue this batch would join has not been read for {refusal.Unread.TotalSeconds:0.0} s, longer than Grid:Ingest:MaxUnread allows for a silo to take it over. "
                + $"None of the {kind} events was stored; send the same batch again after {refusal.RetryAfterSeconds} s.",
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Events are not being applied.",
            extensions: new Dictionary<string, object?>
            {
                ["unreadSeconds"] = Math.Round(refusal.Unread.TotalSeconds, 2),
                ["retryAfterSeconds"] = refusal.RetryAfterSeconds,
            });

    private static ProblemHttpResult Behind(IngestRefusal refusal, string kind)
        => TypedResults.Problem(
            $"The event queues this batch would join are {refusal.Lag.TotalSeconds:0.0} s behind; Grid keeps applying within Grid:Ingest:MaxLag ({refusal.MaxLag.TotalSeconds:0.0} s) by refusing a share of the batches once a queue is an eighth that behind, and all of them at three eighths. "
                + $"None of the {kind} events was stored; send the same batch again after {refusal.RetryAfterSeconds} s.",
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Grid is behind applying events.",
            extensions: new Dictionary<string, object?>
            {
                ["lagSeconds"] = Math.Round(refusal.Lag.TotalSeconds, 2),
                ["maxLagSeconds"] = refusal.MaxLag.TotalSeconds,
                ["retryAfterSeconds"] = refusal.RetryAfterSeconds,
            });

    public static ProblemHttpResult Unprocessable(string title, string? detail, IDictionary<string, object?>? extensions = null)
        => TypedResults.Problem(detail, statusCode: StatusCodes.Status422UnprocessableEntity, title: title, extensions: extensions);

    /// <summary>410: a feed cursor this feed cannot resume from; the reader takes a new snapshot and follows on from its cursor.</summary>
    public static ProblemHttpResult CursorGone(string detail, string snapshot)
        => TypedResults.Problem(
            detail + $" Take a new snapshot (GET {snapshot}) and follow the feed from the cursor it names.",
            statusCode: StatusCodes.Status410Gone,
            title: "The cursor can no longer be resumed.",
            extensions: new Dictionary<string, object?> { ["snapshot"] = snapshot });
}
