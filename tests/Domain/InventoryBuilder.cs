using Grid.Domain;

namespace Grid.Tests.Domain;

/// <summary>Builds a SKU-location in a given state through its own commands, the way the warehouse would.</summary>
internal static class InventoryBuilder
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    private static int _events;

    public static SkuLocationInventory WithOnHand(long onHand, DateTimeOffset? at = null)
    {
        var inventory = new SkuLocationInventory("SKU-1", "DC1");
        if (onHand > 0)
        {
            inventory.Receive(onHand, at ?? T0);
        }

        return inventory;
    }

    public static MovementDecision Receive(this SkuLocationInventory inventory, long quantity, DateTimeOffset at, string? reference = null)
        => inventory.Move(MovementKind.Receipt, quantity, at, reference: reference);

    public static MovementDecision Move(
        this SkuLocationInventory inventory,
        MovementKind kind,
        long quantity,
        DateTimeOffset at,
        string? eventId = null,
        string source = "wms-1",
        long? sequence = null,
        string? reference = null,
        string? orderId = null,
        DateTimeOffset? eta = null)
        => inventory.Apply(
            new Movement(eventId ?? $"evt-{Interlocked.Increment(ref _events)}", source, at, kind, quantity, sequence, reference, null, orderId, null, eta),
            at,
            InventoryRules.Default);

    public static ReservationDecision Reserve(this SkuLocationInventory inventory, string id, long quantity, DateTimeOffset at, string channel = "web", int? ttlSeconds = null, bool allowPartial = false, string? orderId = null)
        => inventory.Reserve(new ReserveRequest(id, channel, quantity, ttlSeconds, allowPartial, orderId), at, InventoryRules.Default);
}
