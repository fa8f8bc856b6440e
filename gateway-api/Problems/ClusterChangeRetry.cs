using Microsoft.Extensions.Options;

namespace Grid.Gateway.Problems;

/// <summary>
/// Runs an API request again when a grain call was refused because the cluster is changing: the silo holding the
/// grain is shutting down, has just died and is not yet known dead, or could not be reached. Such a call never ran, so
/// running the request again is what the client would do on a 503, done here sooner and without the client seeing a
/// failure. A call that got no answer in time (its silo may have died holding it) may have run, so it is run again
/// only for a read or an endpoint marked <see cref="IdempotentRequest"/>, whose repeat answers as the first did.
/// Tries again with a growing pause (100 ms up to 1 s) for at most <see cref="GridResilienceOptions.RetryClusterChangesFor"/>
/// after the first failure; after that (or once the response has started) the failure goes to
/// <see cref="GridExceptionHandler"/>, which answers 503 with <c>Retry-After</c>.
/// </summary>
internal sealed partial class ClusterChangeRetry(IOptions<GridResilienceOptions> options, TimeProvider time, ILogger<ClusterChangeRetry> logger) : IEndpointFilter
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(1);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var budget = options.Value.RetryClusterChangesFor;
        var idempotent = HttpMethods.IsGet(context.HttpContext.Request.Method)
            || context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<IdempotentRequest>() is not null;
        long? firstFailure = null;
        var pause = FirstPause;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await next(context);
            }
            catch (Exception ex) when ((IsClusterChange(ex) || (idempotent && IsUnanswered(ex)))
                && !context.HttpContext.Response.HasStarted
                && time.GetElapsedTime(firstFailure ??= time.GetTimestamp()) + pause <= budget)
            {
                if (logger.IsEnabled(LogLevel.Information))
                {
                    var request = context.HttpContext.Request;
                    var (method, path, refusal) = (request.Method, request.Path.Value ?? "", ex.GetType().Name);
                    LogRetrying(method, path, attempt, refusal);
                }

                await Task.Delay(pause, time, context.HttpContext.RequestAborted);
                pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
            }
        }
    }

    /// <summary>
    /// A grain call refused before it ran: Orleans' rejection of a message (a silo shutting down or unreachable,
    /// <see cref="SiloUnavailableException"/> included), wherever it sits in the chain of causes.
    /// </summary>
    public static bool IsClusterChange(Exception exception)
        => exception is OrleansMessageRejectionException || (exception.InnerException is { } inner && IsClusterChange(inner));

    /// <summary>A grain call that got no answer within the call timeout.</summary>
    public static bool IsUnanswered(Exception exception)
        => exception is TimeoutException || (exception.InnerException is { } inner && IsUnanswered(inner));

    [LoggerMessage(EventId = 2004, EventName = "RetryingAfterClusterChange", Level = LogLevel.Information,
        Message = "{Method} {Path}: a grain call was refused while the cluster changes ({Refusal}); running the request again (attempt {Attempt})")]
    private partial void LogRetrying(string method, string path, int attempt, string refusal);
}
