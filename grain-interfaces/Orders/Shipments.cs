using System.Collections.Immutable;

namespace Grid.Orders;

[GenerateSerializer, Alias("grid.orders.MilestoneType")]
public enum MilestoneType
{
    Packed = 0,
    Dispatched = 1,
    InTransit = 2,
    OutForDelivery = 3,
    Delivered = 4,
    Exception = 5,
}

[GenerateSerializer, Immutable, Alias("grid.orders.ConfirmShipment")]
public sealed record ConfirmShipment(
    [property: Id(0)] string OrderId,
    [property: Id(1)] string Location,
    [property: Id(2)] string? Carrier,
    [property: Id(3)] string? TrackingNumber,
    [property: Id(4)] DateTimeOffset ShippedAt,
    [property: Id(5)] ImmutableArray<ShippedLine> Lines);

[GenerateSerializer, Immutable, Alias("grid.orders.MilestoneInput")]
public sealed record MilestoneInput(
    [property: Id(0)] string EventId,
    [property: Id(1)] MilestoneType Type,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] string? Detail = null,
    [property: Id(4)] string? ProofOfDelivery = null);

[GenerateSerializer, Immutable, Alias("grid.orders.MilestoneView")]
public sealed record MilestoneView(
    [property: Id(0)] string EventId,
    [property: Id(1)] MilestoneType Type,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] DateTimeOffset RecordedAt,
    [property: Id(4)] string? Detail,
    [property: Id(5)] string? ProofOfDelivery);

/// <summary>A shipment and its milestones; <see cref="Status"/> is packed, dispatched, inTransit, outForDelivery, delivered, exception, shipped or unknown.</summary>
[GenerateSerializer, Immutable, Alias("grid.orders.ShipmentView")]
public sealed record ShipmentView(
    [property: Id(0)] string ShipmentId,
    [property: Id(1)] string? OrderId,
    [property: Id(2)] string? Location,
    [property: Id(3)] string? Carrier,
    [property: Id(4)] string? TrackingNumber,
    [property: Id(5)] DateTimeOffset? ShippedAt,
    [property: Id(6)] string Status,
    [property: Id(7)] ImmutableArray<ShippedLine> Lines,
    [property: Id(8)] ImmutableArray<MilestoneView> Milestones,
    [property: Id(9)] DateTimeOffset? UpdatedAt);
