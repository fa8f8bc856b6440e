using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Grid.Gateway.OpenApi;

/// <summary>
/// An endpoint that reads its body itself, as text of the named media types (an import's NDJSON or CSV), rather than
/// binding it: the document shows a required body of those types. (<c>Accepts</c> would say so too, but it also makes
/// routing answer 415 before the caller's key is checked.)
/// </summary>
public sealed record RawRequestBodyMetadata(string Description, IReadOnlyList<string> MediaTypes);

public static class RawRequestBodies
{
    public static RouteHandlerBuilder WithRawRequestBody(this RouteHandlerBuilder builder, string description, params string[] mediaTypes)
        => builder.WithMetadata(new RawRequestBodyMetadata(description, mediaTypes));

    internal static OpenApiOptions AddRawRequestBodies(this OpenApiOptions options)
    {
        options.AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<RawRequestBodyMetadata>().LastOrDefault() is { } raw)
            {
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Description = raw.Description,
                    Content = raw.MediaTypes.ToDictionary(
                        media => media,
                        _ => new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } }),
                };
            }

            return Task.CompletedTask;
        });
        return options;
    }
}
