using Grid.Inventory;
using Grid.Orders;

namespace Grid.Tests.Grains.Orders;

/// <summary>
/// A world of its own for one test: fresh SKUs, locations, region, customer and order ids, so that tests sharing the
/// cluster (and its one location directory) never meet.
/// </summary>
internal sealed class OrderScenario(ClusterFixture fixture)
{
    private static int _events;
    private readonly string _tag = TestIds.Tag();

    public IGrainFactory Grains => fixture.Grains;

    public DateTimeOffset Now => fixture.Clock.GetUtcNow();

    public string Region => $"region-{_tag}";

    public string CustomerId => $"C-{_tag}";

    public string Sku(string name = "A") => $"SKU-{name}-{_tag}";

    public string Location(string name) => $"{name}-{_tag}";

    public string OrderId(string name = "1") => $"O-{name}-{_tag}";

    public string ShipmentId(string name) => $"{name}-{_tag}";

    public IShipmentGrain Shipment(string name) => Grains.GetGrain<IShipmentGrain>(OrderKeys.Shipment(ShipmentId(name)));

    public IOrderGrain Order(string name = "1") => Grains.GetGrain<IOrderGrain>(OrderKeys.Order(OrderId(name)));

    public IInventoryGrain Inventory(string sku, string location) => Grains.GetGrain<IInventoryGrain>(Identifiers.SkuLocationKey(sku, location));

    public IBackorderQueueGrain Queue(string sku, string location) => Grains.GetGrain<IBackorderQueueGrain>(OrderKeys.BackorderQueue(sku, location));

    public ICustomerGrain Customer => Grains.GetGrain<ICustomerGrain>(OrderKeys.Customer(CustomerId));

    /// <summary>Registers a location serving this scenario's region.</summary>
    public Task<LocationView> AddLocation(string location, int priority)
        => Grains.GetGrain<ILocationDirectoryGrain>(OrderKeys.Singleton).Upsert(new LocationInput(location, $"{location} warehouse", LocationType.Dc, [Region], priority));

    public Task Receive(string sku, string location, long quantity)
        => Inventory(sku, location).ApplyMovements([Movement(MovementType.Receipt, quantity)]);

    public Task Expect(string sku, string location, string purchaseOrder, long quantity, DateTimeOffset eta)
        => Inventory(sku, location).ApplyMovements([Movement(MovementType.InboundExpected, quantity, reference: purchaseOrder, eta: eta)]);

    public Task Delay(string sku, string location, string purchaseOrder, DateTimeOffset eta)
        => Inventory(sku, location).ApplyMovements([Movement(MovementType.InboundDelayed, 0, reference: purchaseOrder, eta: eta)]);

    public static SubmitOrder Submission(string orderId, string customerId, string region, bool allowSplit, params OrderLineInput[] lines)
        => new(orderId, customerId, "web", new ShipToAddress(region, "ACME Corp", "1 Main St", null, "Springfield", "12345", "US"), allowSplit, [.. lines]);

    public Task<OrderResult> Submit(string name, bool allowSplit, params OrderLineInput[] lines)
        => Order(name).Submit(Submission(OrderId(name), CustomerId, Region, allowSplit, lines));

    public Task<OrderResult> Submit(params OrderLineInput[] lines) => Submit("1", false, lines);

    public Task<OrderResult> Events(string name, params OrderWarehouseEvent[] events) => Order(name).ApplyWarehouseEvents([.. events]);

    public OrderWarehouseEvent Pick(string sku, string location, long quantity, string lineId = "L1")
        => new(NextEventId(), "wms-test", Now, OrderEventType.Pick, location, sku, lineId, quantity);

    public OrderWarehouseEvent ShortPick(string sku, string location, long missing, string lineId = "L1")
        => new(NextEventId(), "wms-test", Now, OrderEventType.ShortPick, location, sku, lineId, missing);

    public OrderWarehouseEvent ShipConfirm(string shipmentId, string location, params ShippedLine[] lines)
        => new(NextEventId(), "wms-test", Now, OrderEventType.ShipConfirm, location, ShipmentId: ShipmentId(shipmentId), Carrier: "UPS", TrackingNumber: $"1Z{shipmentId}", Lines: [.. lines]);

    public OrderWarehouseEvent ReturnReceived(string returnId, string sku, string location, long quantity, ReturnDisposition disposition)
        => new(NextEventId(), "wms-test", Now, OrderEventType.ReturnReceived, location, sku, Quantity: quantity, ReturnId: returnId, Disposition: disposition);

    /// <summary>Reads the order until <paramref name="done"/> holds (it changes on a ring or a timer), or a generous bound passes.</summary>
    public async Task<OrderView> OrderWhen(string name, Func<OrderView, bool> done)
        => (await Eventually.ReadAsync(() => Order(name).Get(), r => r.Order is { } o && done(o))).Order!;

    private WarehouseMovement Movement(MovementType type, long quantity, string? reference = null, DateTimeOffset? eta = null)
        => new($"ev-{Interlocked.Increment(ref _events)}", "wms-test", Now, type, quantity, Reference: reference, Eta: eta);

    private static string NextEventId() => $"oev-{Interlocked.Increment(ref _events)}";
}

internal static class OrderViews
{
    public static long AllocatedAt(this OrderLineView line, string location) => line.Allocations.FirstOrDefault(a => a.Location == location)?.Quantity ?? 0;

    public static OrderStatus[] Path(this OrderTimelineView timeline) => [.. timeline.Entries.Select(e => e.To)];
}
