using Grid.Domain.Orders;

namespace Grid.Tests.Domain.Orders;

/// <summary>Builds orders in a given state through their own commands, the way the order grain drives them.</summary>
internal static class OrderBuilder
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    public static readonly IReadOnlyList<string> EastCandidates = ["DC1", "DC2", "DC3"];

    private static int _events;

    public static OrderLineRequest Line(string lineId, string sku, long quantity, string? location = null) => new(lineId, sku, quantity, location);

    public static OrderSubmission Submission(bool allowSplit = false, params OrderLineRequest[] lines)
        => new("O-1", "C-1", "web", new ShipTo("east"), allowSplit, lines.Length == 0 ? [Line("L1", "SKU-1", 10)] : lines);

    public static Order Submitted(bool allowSplit = false, params OrderLineRequest[] lines) => Order.Submit(Submission(allowSplit, lines), T0);

    /// <summary>Plans against <paramref name="available"/> (<c>SKU@LOC</c> → ATP) and grants every leg in full, as SKU-locations with that stock would.</summary>
    public static Order Sourced(this Order order, IReadOnlyDictionary<string, long> available, IReadOnlyList<string>? candidates = null, DateTimeOffset? at = null)
    {
        var plan = SourcingPlanner.Plan(order.SourcingRequest(), candidates ?? EastCandidates, order.AllowSplit, available);
        order.AdoptPlan(plan, at ?? T0);
        order.ApplySourcing([.. order.Plan.Select(l => new LegResult(l.ReservationId, l.Quantity))], at ?? T0, "sourced");
        return order;
    }

    public static Dictionary<string, long> Stock(params (string SkuLocation, long Available)[] stock)
        => stock.ToDictionary(s => s.SkuLocation, s => s.Available, StringComparer.Ordinal);

    /// <summary>Ten units of SKU-1 at DC1: a one-line order is allocated whole and released.</summary>
    public static Order Released(bool allowSplit = false)
        => Submitted(allowSplit).Sourced(Stock(("SKU-1@DC1", 10)));

    public static WarehouseEventRef NextEvent(DateTimeOffset? at = null) => new("wms-1", $"evt-{Interlocked.Increment(ref _events)}", at ?? T0);

    public static OrderDecision Pick(this Order order, long quantity, string location = "DC1", string lineId = "L1", string sku = "SKU-1", DateTimeOffset? at = null)
        => order.ApplyPick(NextEvent(), lineId, sku, location, quantity, at ?? T0);

    public static OrderDecision Ship(this Order order, string shipmentId, long quantity, string location = "DC1", string lineId = "L1", string sku = "SKU-1", DateTimeOffset? at = null)
        => order.ConfirmShipment(NextEvent(at), shipmentId, location, "UPS", $"1Z-{shipmentId}", [new ShipmentLine(lineId, sku, quantity)], at ?? T0);

    public static IReadOnlyList<OrderStatus> Path(this Order order) => [.. order.Timeline.Select(t => t.To)];
}
