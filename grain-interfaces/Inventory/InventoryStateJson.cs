using System.Text.Json;
using Grid.Domain;

namespace Grid.Inventory;

/// <summary>
/// The stored forms of a SKU-location's state header and of the figures its availability feed row carries: JSON
/// without CLR type names. Shared by the inventory storage that writes them and the availability feed that reads them
/// back from PostgreSQL.
/// </summary>
public static class InventoryStateJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.General);

    public static SkuLocationInventory DeserializeHeader(ReadOnlySpan<byte> json)
        => JsonSerializer.Deserialize<SkuLocationInventory>(json, Options) ?? throw new JsonException("Empty inventory state.");

    public static byte[] SerializeSnapshot(AvailabilitySnapshot snapshot) => JsonSerializer.SerializeToUtf8Bytes(snapshot, Options);

    public static AvailabilitySnapshot DeserializeSnapshot(ReadOnlySpan<byte> json)
        => JsonSerializer.Deserialize<AvailabilitySnapshot>(json, Options) ?? throw new JsonException("Empty availability snapshot.");
}
