using Grid.Exceptions;
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

    /// <summary>The exception queue's exceptions of one kind about one subject, newest first.</summary>
    public static async Task<IReadOnlyList<ExceptionView>> ExceptionsAsync(this IGrainFactory grains, ExceptionKind kind, string? subjectId = null)
        => (await grains.GetGrain<IExceptionQueueGrain>(0).List(new ExceptionFilter([kind], [], SubjectId: subjectId), null, 1000))!.Exceptions;
}
