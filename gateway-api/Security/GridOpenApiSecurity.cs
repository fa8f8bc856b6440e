using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Grid.Gateway.Security;

/// <summary>
/// Declares the API key and bearer schemes in the OpenAPI document, and on each operation the roles (as bearer scopes
/// <c>grid.&lt;role&gt;</c>) it needs and its 401, 403 and 429 answers.
/// </summary>
internal static class GridOpenApiSecurity
{
    private const string ApiKey = "ApiKey";
    private const string Bearer = "Bearer";

    public static OpenApiOptions AddGridSecuritySchemes(this OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[ApiKey] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = GridAuthOptions.HeaderName,
                Description = $"An API key issued to the client; its role(s) decide what it may call ({string.Join(", ", GridRoles.All)}).",
            };
            document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A JWT from the configured identity provider; each scope grid.<role> grants that role.",
            };
            return Task.CompletedTask;
        });

        options.AddOperationTransformer((operation, context, _) =>
        {
            var roles = context.Description.ActionDescriptor.EndpointMetadata.OfType<GridRolesMetadata>().LastOrDefault();
            if (roles is null)
            {
                return Task.CompletedTask;
            }

            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKey, context.Document)] = [] });
            operation.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(Bearer, context.Document)] = [.. roles.Roles.Select(r => $"grid.{r}")],
            });
            var needs = $"Roles: {string.Join(", ", roles.Roles)}.";
            operation.Description = operation.Description is null ? needs : $"{operation.Description}\n\n{needs}";
            operation.Responses ??= [];
            operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No API key or bearer token, or an unknown one (Problem Details)." });
            operation.Responses.TryAdd("403", new OpenApiResponse { Description = $"The client holds none of the roles {string.Join(", ", roles.Roles)} (Problem Details)." });
            operation.Responses.TryAdd("429", new OpenApiResponse { Description = "The client is over its rate limit or, on the event endpoints, Grid is behind applying events (nothing stored); Retry-After says when to retry (Problem Details)." });
            return Task.CompletedTask;
        });
        return options;
    }
}
