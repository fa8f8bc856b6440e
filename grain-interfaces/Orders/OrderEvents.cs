using System.Collections.Immutable;

namespace Grid.Orders;

[GenerateSerializer, Alias("grid.orders.OrderEventType")]
public enum OrderEventType
{
    Pick = 0,
    ShortPick = 1,
    ShipConfirm = 2,
    ReturnReceived = 3,
}

/// <summary>
/// A warehouse event about an order, queued on the order's stream (<see cref="GridStreams.Orders"/>, key
/// <see cref="OrderKeys.Order"/>). <see cref="Quantity"/> is the missing quantity of a short pick; a ship confirm
/// carries its <see cref="Lines"/>. Picks and short picks reach their SKU-location through the order, which takes the
/// units off hand and then gives back the allocation they came from; <see cref="Sequence"/>, <see cref="Reference"/>
/// and <see cref="Reason"/> go with them.
/// </summary>
[GenerateSerializer, Immutable, Alias("grid.orders.OrderWarehouseEvent")]
public sealed record OrderWarehouseEvent(
    [property: Id(0)] string EventId,
    [property: Id(1)] string Source,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] OrderEventType Type,
    [property: Id(4)] string Location,
    [property: Id(5)] string? Sku = null,
    [property: Id(6)] string? LineId = null,
    [property: Id(7)] long Quantity = 0,
    [property: Id(8)] string? ShipmentId = null,
    [property: Id(9)] string? Carrier = null,
    [property: Id(10)] string? TrackingNumber = null,
    [property: Id(11)] ImmutableArray<ShippedLine> Lines = default,
    [property: Id(12)] string? ReturnId = null,
    [property: Id(13)] ReturnDisposition? Disposition = null,
    [property: Id(14)] long? Sequence = null,
    [property: Id(15)] string? Reference = null,
    [property: Id(16)] string? Reason = null);
