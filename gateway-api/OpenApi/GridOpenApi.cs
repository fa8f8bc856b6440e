using Grid.Gateway.Security;

namespace Grid.Gateway.OpenApi;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>, written to be a contract a client generator can trust (its
/// committed copy is docs/openapi.json).
/// </summary>
public static class GridOpenApi
{
    public const string DocumentName = "v1";

    public static IServiceCollection AddGridOpenApi(this IServiceCollection services)
        => services.AddOpenApi(DocumentName, options => options
            .AddGridDocumentInfo()
            .AddGridTagDescriptions()
            .AddGridSecuritySchemes()
            .AddRequiredRequestBodies()
            .AddRequestBodyContracts()
            .AddUnusedSchemaRemoval());

    /// <summary>Maps the document, open to anyone.</summary>
    public static WebApplication MapGridOpenApi(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        return app;
    }
}
