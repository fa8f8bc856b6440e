using Microsoft.AspNetCore.OpenApi;

namespace Grid.Gateway.OpenApi;

/// <summary>The type that describes an endpoint's request body in the OpenAPI document, in place of the type it binds.</summary>
internal sealed record RequestBodyContractMetadata(Type Contract);

/// <summary>
/// Lets an endpoint that binds a loose type (the event batches bind raw JSON items, to answer each item on its own)
/// document the body it expects. Only the document changes: binding, matching and validation stay as they are.
/// </summary>
public static class RequestBodyContracts
{
    /// <summary>Documents the endpoint's JSON request body as <typeparamref name="TContract"/>, a component schema of its name.</summary>
    public static RouteHandlerBuilder WithRequestBodyContract<TContract>(this RouteHandlerBuilder builder)
        => builder.WithMetadata(new RequestBodyContractMetadata(typeof(TContract)));

    internal static OpenApiOptions AddRequestBodyContracts(this OpenApiOptions options)
    {
        options.AddOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var contract = context.Description.ActionDescriptor.EndpointMetadata.OfType<RequestBodyContractMetadata>().LastOrDefault();
            if (contract is null || operation.RequestBody?.Content is not { } content || context.Document is not { } document)
            {
                return;
            }

            var schemas = new ContractSchemas(document, type => context.GetOrCreateSchemaAsync(type, cancellationToken: cancellationToken));
            var body = await schemas.ReferenceAsync(contract.Contract);
            foreach (var media in content.Values)
            {
                media.Schema = body;
            }
        });
        return options;
    }
}
