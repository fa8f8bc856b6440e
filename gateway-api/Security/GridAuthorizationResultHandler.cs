using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Grid.Gateway.Security;

/// <summary>
/// Answers a refused request with Problem Details: 401 when no valid key or token was sent (with the schemes'
/// <c>WWW-Authenticate</c> challenges), 403 when the client is known but holds none of the endpoint's roles.
/// </summary>
internal sealed class GridAuthorizationResultHandler(IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        // The schemes set the status and their challenge headers; the body is ours.
        await _default.HandleAsync(next, context, policy, authorizeResult);
        if ((!authorizeResult.Challenged && !authorizeResult.Forbidden) || context.Response.HasStarted)
        {
            return;
        }

        var roles = context.GetEndpoint()?.Metadata.GetMetadata<GridRolesMetadata>()?.Roles;
        var needs = roles is null ? "an authenticated client" : $"the role {string.Join(" or ", roles)}";
        Microsoft.AspNetCore.Mvc.ProblemDetails problem;
        if (authorizeResult.Challenged)
        {
            GatewayInstruments.Refused(context, "unauthenticated");
            problem = new()
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Authentication is required.",
                Detail = context.Items[GridAuthentication.FailureItem] as string
                    ?? $"Send an API key in the {GridAuthOptions.HeaderName} header (or a bearer token); this endpoint needs {needs}.",
            };
        }
        else
        {
            GatewayInstruments.Refused(context, "forbidden");
            var held = context.User.FindAll(GridClaims.Role).Select(c => c.Value).ToList();
            problem = new()
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "The client may not call this endpoint.",
                Detail = $"This endpoint needs {needs}; client '{context.User.Identity?.Name}' holds {(held.Count == 0 ? "no role" : string.Join(", ", held))}.",
            };
        }

        context.Response.StatusCode = problem.Status.Value;
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }
}
