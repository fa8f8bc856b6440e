using Grid.Inventory;

namespace Grid.Tests.Grains;

internal static class GrainTestExtensions
{
    private static int _events;

    public static IInventoryGrain Inventory(this IGrainFactory grains, string sku, string location = "DC1")
        => grains.GetGrain<IInventoryGrain>(Identifiers.SkuLocationKey(sku, location));

    public static ISkuGrain Sku(this IGrainFactory grains, string sku)
        => grains.GetGrain<ISkuGrain>(Identifiers.SkuGrainKey(sku));

    public static Task Receive(this IInventoryGrain grain, long quantity, DateTimeOffset at)
        => grain.ApplyMovements([new WarehouseMovement($"rcv-{Interlocked.Increment(ref _events)}", "wms-test", at, MovementType.Receipt, quantity)]);

    /// <summary>
    /// Waits for something that happens on its own (a timer, a reminder, a one-way push) with a generous bound:
    /// the condition is checked again as soon as it is false, never after a fixed sleep that hides the cause.
    /// </summary>
    public static async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        T value;
        while (!done(value = await read()))
        {
            if (DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(20);
        }

        return value;
    }
}
