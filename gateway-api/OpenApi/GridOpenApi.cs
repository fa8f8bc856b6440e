using Grid.Gateway.Security;
using Grid.Hosting;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace Grid.Gateway.OpenApi;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>, written to be a contract a client generator can trust (its
/// committed copy is docs/openapi.json), and in dev mode an interactive API reference at <c>/scalar</c>.
/// </summary>
public static class GridOpenApi
{
    public const string DocumentName = "v1";

    /// <summary>Where dev mode serves the interactive API reference.</summary>
    public const string ReferencePath = "/scalar";

    public static IServiceCollection AddGridOpenApi(this IServiceCollection services)
        => services.AddOpenApi(DocumentName, options => options
            .AddGridDocumentInfo()
            .AddGridTagDescriptions()
            .AddGridSecuritySchemes()
            .AddRequiredRequestBodies()
            .AddRequestBodyContracts()
            .AddRawRequestBodies()
            .AddUnusedSchemaRemoval());

    /// <summary>Maps the document, open to anyone; in dev mode also the API reference, open to anyone too.</summary>
    public static WebApplication MapGridOpenApi(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        if (app.Services.GetRequiredService<IOptions<GridOptions>>().Value.Mode != GridMode.Postgres)
        {
            app.MapScalarApiReference(ReferencePath, options => options
                    .WithTitle(GridDocumentInfo.Title)
                    .AddPreferredSecuritySchemes(["ApiKey"]))
                .AllowAnonymous();
        }

        return app;
    }
}
