using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Grid.Gateway.OpenApi;

/// <summary>
/// Drops component schemas nothing refers to (such as the loose body type an endpoint documents with a contract
/// instead), so that a client generator makes no model nobody uses.
/// </summary>
internal static class UnusedSchemas
{
    public static OpenApiOptions AddUnusedSchemaRemoval(this OpenApiOptions options)
    {
        options.AddDocumentTransformer(async (document, _, cancellationToken) =>
        {
            while (document.Components?.Schemas is { Count: > 0 } schemas)
            {
                var text = await document.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1, cancellationToken);
                var unused = schemas.Keys.Where(name => !text.Contains($"\"#/components/schemas/{name}\"", StringComparison.Ordinal)).ToList();
                if (unused.Count == 0)
                {
                    return;
                }

                foreach (var name in unused)
                {
                    schemas.Remove(name);
                }
            }
        });
        return options;
    }
}
