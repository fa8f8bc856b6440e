namespace Grid.Gateway.Problems;

/// <summary>
/// Endpoint metadata: sending this request twice has the effect of sending it once, and the second answers as the
/// first did (a reservation, an order, a release... named by the client's own id). <see cref="ClusterChangeRetry"/>
/// may run such a request again when a grain call got no answer.
/// </summary>
public sealed class IdempotentRequest
{
    public static readonly IdempotentRequest Instance = new();

    private IdempotentRequest()
    {
    }
}

public static class IdempotentRequestExtensions
{
    /// <summary>Marks the endpoint <see cref="IdempotentRequest"/>.</summary>
    public static RouteHandlerBuilder IsIdempotent(this RouteHandlerBuilder builder) => builder.WithMetadata(IdempotentRequest.Instance);
}
