using System.Collections.Immutable;

namespace Grid.Inventory;

/// <summary>Supply on its way to a location: a PO line acknowledged by the supplier or an ASN shipped.</summary>
[GenerateSerializer, Immutable, Alias("grid.inventory.InboundSupply")]
public sealed record InboundSupply(
    [property: Id(0)] string Reference,
    [property: Id(1)] long Quantity,
    [property: Id(2)] DateTimeOffset Eta);

/// <summary>What a sales channel asks: ATP for a channel (its ring-fences apply) as of now, or including supply due by a date.</summary>
[GenerateSerializer, Immutable, Alias("grid.inventory.AvailabilityQuery")]
public sealed record AvailabilityQuery(
    [property: Id(0)] string? Channel = null,
    [property: Id(1)] DateTimeOffset? SupplyDueBy = null,
    [property: Id(2)] string? CustomerId = null)
{
    public static AvailabilityQuery Now { get; } = new();
}

/// <summary>ATP of one SKU at one location, with the buckets behind it and how fresh the physical picture is.</summary>
[GenerateSerializer, Immutable, Alias("grid.inventory.LocationAvailability")]
public sealed record LocationAvailability(
    [property: Id(0)] string Location,
    [property: Id(1)] long Available,
    [property: Id(2)] long OnHand,
    [property: Id(3)] long Reserved,
    [property: Id(4)] long Allocated,
    [property: Id(5)] long SafetyStock,
    [property: Id(6)] long Damaged,
    [property: Id(7)] long Quarantine,
    [property: Id(8)] ImmutableArray<InboundSupply> Inbound,
    [property: Id(9)] DateTimeOffset? AsOf,
    [property: Id(10)] DateTimeOffset? LastWarehouseEventAt,
    [property: Id(11)] bool Stale,
    [property: Id(12)] long HeldForBackorders = 0,
    [property: Id(13)] long BackorderDemand = 0);

/// <summary>Network ATP of one SKU: the sum over its locations, each clamped at zero before summing.</summary>
[GenerateSerializer, Immutable, Alias("grid.inventory.SkuAvailability")]
public sealed record SkuAvailability(
    [property: Id(0)] string Sku,
    [property: Id(1)] long Available,
    [property: Id(2)] ImmutableArray<LocationAvailability> Locations,
    [property: Id(3)] DateTimeOffset? AsOf,
    [property: Id(4)] QuotaLeft? Quota = null);

/// <summary>A channel's ring-fence at a location and how much of it is still held for that channel.</summary>
[GenerateSerializer, Immutable, Alias("grid.inventory.RingFenceHold")]
public sealed record RingFenceHold(
    [property: Id(0)] string Channel,
    [property: Id(1)] long Fenced,
    [property: Id(2)] long Used,
    [property: Id(3)] long Remaining);

/// <summary>
/// The figures of one SKU-location after its last durable change, pushed to its SKU grain so that network ATP is
/// answered from memory. <see cref="Version"/> rises with every change, so an older snapshot never replaces a newer one.
/// </summary>
[GenerateSerializer, Immutable, Alias("grid.inventory.AvailabilitySnapshot")]
public sealed record AvailabilitySnapshot(
    [property: Id(0)] string Sku,
    [property: Id(1)] string Location,
    [property: Id(2)] long Version,
    [property: Id(3)] long OnHand,
    [property: Id(4)] long Damaged,
    [property: Id(5)] long Quarantine,
    [property: Id(6)] long SafetyStock,
    [property: Id(7)] long Reserved,
    [property: Id(8)] long Allocated,
    [property: Id(9)] ImmutableArray<RingFenceHold> RingFences,
    [property: Id(10)] ImmutableArray<InboundSupply> Inbound,
    [property: Id(11)] DateTimeOffset? AsOf,
    [property: Id(12)] DateTimeOffset? LastWarehouseEventAt,
    [property: Id(13)] long BackorderDemand = 0);
