using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Grid.Gateway.OpenApi.Contracts;
using Microsoft.OpenApi;

namespace Grid.Gateway.OpenApi;

/// <summary>
/// Registers the schema of a contract type (see <see cref="Contracts"/>) as a component of the document, and the
/// contract types it uses as components of their own, so that a client generator names each model after its type.
/// A polymorphic type becomes a <c>oneOf</c> of its derived types with a discriminator mapping; each derived type
/// carries the discriminator property, required, with its one value.
/// </summary>
internal sealed class ContractSchemas(OpenApiDocument document, Func<Type, Task<OpenApiSchema>> generate)
{
    private static readonly string? ContractNamespace = typeof(WarehouseEvent).Namespace;

    /// <summary>A reference to the component of <paramref name="type"/>, registering it (and what it uses) first if need be.</summary>
    public async Task<IOpenApiSchema> ReferenceAsync(Type type)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        if (!document.Components.Schemas.ContainsKey(type.Name))
        {
            // Registered before it is built, so that a type that refers to itself ends.
            document.AddComponent<IOpenApiSchema>(type.Name, new OpenApiSchema());
            document.Components.Schemas[type.Name] = type.GetCustomAttribute<JsonPolymorphicAttribute>() is { } polymorphic
                ? await UnionAsync(type, polymorphic.TypeDiscriminatorPropertyName ?? "$type")
                : await ObjectAsync(type);
        }

        return new OpenApiSchemaReference(type.Name, document);
    }

    private async Task<OpenApiSchema> UnionAsync(Type type, string discriminator)
    {
        var members = new List<IOpenApiSchema>();
        var mapping = new Dictionary<string, OpenApiSchemaReference>(StringComparer.Ordinal);
        foreach (var derived in type.GetCustomAttributes<JsonDerivedTypeAttribute>())
        {
            var value = derived.TypeDiscriminator?.ToString() ?? derived.DerivedType.Name;
            var reference = (OpenApiSchemaReference)await ReferenceAsync(derived.DerivedType);
            var schema = (OpenApiSchema)document.Components!.Schemas![derived.DerivedType.Name];
            schema.Properties ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
            schema.Properties[discriminator] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [value] };
            schema.Required ??= new HashSet<string>(StringComparer.Ordinal);
            schema.Required.Add(discriminator);
            members.Add(reference);
            mapping[value] = new OpenApiSchemaReference(derived.DerivedType.Name, document);
        }

        var union = await generate(type);
        return new OpenApiSchema
        {
            Description = union.Description,
            OneOf = members,
            Discriminator = new OpenApiDiscriminator { PropertyName = discriminator, Mapping = mapping },
        };
    }

    private async Task<OpenApiSchema> ObjectAsync(Type type)
    {
        var schema = await generate(type);
        if (type.IsEnum || schema.Properties is not { } properties)
        {
            return schema;
        }

        // Properties of contract types (or lists of them) refer to those types' components instead of repeating them.
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            if (IsContract(property.PropertyType))
            {
                properties[name] = await ReferenceAsync(property.PropertyType);
            }
            else if (ElementType(property.PropertyType) is { } element && IsContract(element))
            {
                properties[name] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = await ReferenceAsync(element) };
            }
        }

        return schema;
    }

    private static bool IsContract(Type type) => type.Namespace == ContractNamespace;

    private static Type? ElementType(Type type)
        => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) ? type.GetGenericArguments()[0] : null;
}
