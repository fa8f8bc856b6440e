using System.Text.Json;
using Grid.Domain;

namespace Grid.Inventory;

/// <summary>
/// The stored form of a SKU-location's state header: JSON without CLR type names. Shared by the inventory storage
/// that writes it and the availability feed that reads it back from PostgreSQL.
/// </summary>
public static class InventoryStateJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.General);

    public static SkuLocationInventory DeserializeHeader(ReadOnlySpan<byte> json)
        => JsonSerializer.Deserialize<SkuLocationInventory>(json, Options) ?? throw new JsonException("Empty inventory state.");
}
