using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Grid.Gateway.Problems;

/// <summary>
/// The one place exceptions become Problem Details. A body that is not valid JSON, or has a value of the wrong type,
/// becomes a 400 naming the field from the JSON path; the store (PostgreSQL) unreachable, or the cluster briefly
/// without a silo for a grain, a 503 with <c>Retry-After</c>; anything else a 500 that reveals nothing internal.
/// </summary>
internal sealed partial class GridExceptionHandler(IProblemDetailsService problems, ILogger<GridExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        int status;
        string title;
        IDictionary<string, string[]>? errors = null;

        if (exception is BadHttpRequestException badRequest)
        {
            status = badRequest.StatusCode;
            title = status == StatusCodes.Status413PayloadTooLarge ? "The request body is too large." : "The request is invalid.";
            var json = badRequest.InnerException as JsonException;
            var field = json is null ? "body" : FieldFromPath(json.Path);
            var message = json is null
                ? badRequest.Message
                : $"'{field}' has a value of the wrong type or is not valid JSON.";
            errors = new Dictionary<string, string[]> { [field] = [message] };
        }
        else if (StoreOutage.IsCause(exception))
        {
            // The write was not stored (its grain reloads from storage once the database answers): safe to retry.
            status = StatusCodes.Status503ServiceUnavailable;
            title = "The store is unavailable; nothing of this request was kept. Retry shortly.";
            httpContext.Response.Headers.RetryAfter = StoreOutage.RetryAfterSeconds;
            LogStoreUnavailable(exception, httpContext.Request.Method, httpContext.Request.Path);
        }
        else if (exception is Feed.AvailabilityFeedUnavailableException unavailable)
        {
            status = StatusCodes.Status503ServiceUnavailable;
            title = unavailable.Message;
        }
        else if (IsTransient(exception) || (exception is OperationCanceledException && !httpContext.RequestAborted.IsCancellationRequested))
        {
            // A silo left and the cluster has not yet moved its grains, or a call timed out: worth a retry.
            status = StatusCodes.Status503ServiceUnavailable;
            title = "The grid is briefly unavailable; retry shortly.";
            httpContext.Response.Headers.RetryAfter = "2";
            LogTransient(exception, httpContext.Request.Method, httpContext.Request.Path);
        }
        else
        {
            status = StatusCodes.Status500InternalServerError;
            title = "The request could not be completed.";
            LogUnhandled(exception, httpContext.Request.Method, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = status;
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Title = title };
        if (errors is not null)
        {
            problem.Extensions["errors"] = errors;
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>Turns a JSON path such as <c>$.items[3].quantity</c> into <c>items[3].quantity</c>.</summary>
    internal static string FieldFromPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "body";
        }

        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    private static bool IsTransient(Exception exception)
        => ClusterChangeRetry.IsClusterChange(exception) || ClusterChangeRetry.IsUnanswered(exception);

    [LoggerMessage(EventId = 2002, EventName = "TransientRequestError", Level = LogLevel.Warning, Message = "Transient cluster error on {Method} {Path}")]
    private partial void LogTransient(Exception exception, string method, string path);

    [LoggerMessage(EventId = 2003, EventName = "StoreUnavailable", Level = LogLevel.Warning, Message = "The store is unavailable on {Method} {Path}")]
    private partial void LogStoreUnavailable(Exception exception, string method, string path);

    [LoggerMessage(EventId = 2001, EventName = "UnhandledRequestError", Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    private partial void LogUnhandled(Exception exception, string method, string path);
}
