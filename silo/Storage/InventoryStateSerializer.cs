using System.Text.Json;
using Grid.Domain;
using Grid.Inventory;

namespace Grid.Silo.Storage;

/// <summary>How a SKU-location's state is written: JSON without CLR type names, so renaming a class never breaks it.</summary>
internal static class InventoryStateSerializer
{
    private static JsonSerializerOptions Options => InventoryStateJson.Options;

    public static byte[] Serialize(SkuLocationInventory header) => JsonSerializer.SerializeToUtf8Bytes(header, Options);

    public static byte[] Serialize(Reservation reservation) => JsonSerializer.SerializeToUtf8Bytes(reservation, Options);

    public static byte[] Serialize(MovementRecord movement) => JsonSerializer.SerializeToUtf8Bytes(movement, Options);

    public static SkuLocationInventory DeserializeHeader(ReadOnlySpan<byte> json) => InventoryStateJson.DeserializeHeader(json);

    public static Reservation DeserializeReservation(ReadOnlySpan<byte> json)
        => JsonSerializer.Deserialize<Reservation>(json, Options) ?? throw new JsonException("Empty reservation.");

    public static MovementRecord DeserializeMovement(ReadOnlySpan<byte> json)
        => JsonSerializer.Deserialize<MovementRecord>(json, Options) ?? throw new JsonException("Empty movement.");

    public static SkuLocationInventory AsInventory<T>(IGrainState<T> grainState)
        => grainState.State as SkuLocationInventory
           ?? throw new InvalidOperationException($"The inventory storage holds {nameof(SkuLocationInventory)} state only, not {typeof(T).Name}.");
}
