using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Grid.Gateway.OpenApi;

/// <summary>
/// Handlers take their bodies as nullable parameters so that a missing body is answered with a Problem Details naming
/// what is required; the contract is that a body is sent. The document says so: request bodies are required, and their
/// schema is the body's type, not "null or the body's type".
/// </summary>
internal static class RequiredRequestBodies
{
    public static OpenApiOptions AddRequiredRequestBodies(this OpenApiOptions options)
    {
        options.AddOperationTransformer((operation, _, _) =>
        {
            if (operation.RequestBody is not OpenApiRequestBody body || body.Content is null)
            {
                return Task.CompletedTask;
            }

            body.Required = true;
            foreach (var media in body.Content.Values)
            {
                media.Schema = WithoutNull(media.Schema);
            }

            return Task.CompletedTask;
        });
        return options;
    }

    private static IOpenApiSchema? WithoutNull(IOpenApiSchema? schema)
    {
        switch (schema)
        {
            case OpenApiSchema { OneOf: { Count: > 0 } members } union when members.Any(IsNull):
                var rest = members.Where(m => !IsNull(m)).ToList();
                if (rest.Count == 1 && union.Properties is null or { Count: 0 } && union.Type is null)
                {
                    return rest[0];
                }

                union.OneOf = rest;
                return union;
            case OpenApiSchema { Type: { } type } inline when type.HasFlag(JsonSchemaType.Null):
                inline.Type = type & ~JsonSchemaType.Null;
                return inline;
            default:
                return schema;
        }
    }

    private static bool IsNull(IOpenApiSchema schema) => schema.Type == JsonSchemaType.Null;
}
