using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Grid.Gateway.OpenApi;

/// <summary>
/// The document's title, description and license, the same whichever process serves it (the silo in dev mode or the
/// gateway), and its server URLs without a trailing slash, so that a client joins them with paths as written.
/// </summary>
internal static class GridDocumentInfo
{
    public const string Title = "Grid API";

    public static OpenApiOptions AddGridDocumentInfo(this OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = Title,
                Version = "v1",
                Description = "Inventory and order grid: availability, reservations, warehouse and supplier events, orders and their fulfilment. "
                    + "Every call needs an API key (X-Api-Key) or a bearer token; errors are Problem Details.",
                License = new OpenApiLicense { Name = "MIT", Identifier = "MIT" },
            };
            foreach (var server in document.Servers ?? [])
            {
                server.Url = server.Url?.TrimEnd('/');
            }

            return Task.CompletedTask;
        });
        return options;
    }
}
