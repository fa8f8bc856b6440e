namespace Grid.Domain.Outbound;

/// <summary>Data of <c>grid.inventory.availability.changed.v1</c>: one SKU-location's buckets and ATP after a change.</summary>
public sealed record AvailabilityEventData(
    string Sku,
    string Location,
    long Available,
    long OnHand,
    long Damaged,
    long Quarantine,
    long SafetyStock,
    long Reserved,
    long Allocated,
    IReadOnlyList<InboundEventData> Inbound,
    DateTimeOffset? AsOf,
    DateTimeOffset? LastWarehouseEventAt,
    bool Stale);

public sealed record InboundEventData(long Quantity, DateTimeOffset? Eta, string? Reference);
