using System.Text.Json;

namespace Grid.Gateway.Requests;

// HTTP request bodies, kept apart from the grain commands: every field is nullable so that a missing one is reported
// by name rather than defaulted.

public sealed record CreateReservationRequest(
    string? ReservationId,
    string? Sku,
    string? Location,
    long? Quantity,
    string? Channel,
    int? TtlSeconds,
    bool? AllowPartial,
    string? OrderId,
    string? CustomerId = null);

public sealed record CommitReservationRequest(string? OrderId);

public sealed record ExtendReservationRequest(int? TtlSeconds);

public sealed record AvailabilityQueryItem(string? Sku, List<string>? Locations);

public sealed record AvailabilityBatchRequest(List<AvailabilityQueryItem?>? Items, string? Channel, string? Date, string? CustomerId = null);

/// <summary>One quota row of an allocation policy: for a channel or for a customer group (exactly one of them).</summary>
public sealed record QuotaRowRequest(string? Channel, string? CustomerGroup, long? Quantity);

/// <summary>A product allocation policy (docs/allocation.md).</summary>
public sealed record AllocationPolicyRequest(string? Location, DateTimeOffset? From, DateTimeOffset? To, List<QuotaRowRequest?>? Quotas, long? EveryoneElse);

public sealed record InventoryPolicyRequest(long? SafetyStock, Dictionary<string, long?>? RingFences);

/// <summary>The envelope of a warehouse or supplier event batch; items are read one by one so that one bad item rejects only itself.</summary>
public sealed record EventBatchRequest(List<JsonElement>? Events);

/// <summary>One warehouse event: the union of the fields its types use (API.md, "Warehouse events").</summary>
public sealed record WarehouseEventItem(
    string? EventId,
    string? Source,
    DateTimeOffset? OccurredAt,
    long? Sequence,
    string? Type,
    string? Sku,
    string? Location,
    long? Quantity,
    long? CountedQuantity,
    long? MissingQuantity,
    string? Reference,
    string? Reason,
    string? OrderId,
    string? LineId,
    string? ReturnId,
    string? Disposition,
    string? ShipmentId,
    string? Carrier = null,
    string? TrackingNumber = null,
    List<ShipConfirmLineItem?>? Lines = null);

public sealed record RejectedEvent(int Index, string? EventId, string Error);

public sealed record EventBatchResponse(int Accepted, IReadOnlyList<RejectedEvent> Rejected);

/// <summary>One supplier event: the union of the fields its types use (API.md, "Supplier events").</summary>
public sealed record SupplierEventItem(
    string? EventId,
    string? Source,
    DateTimeOffset? OccurredAt,
    long? Sequence,
    string? Type,
    string? PoId,
    string? AsnId,
    DateTimeOffset? NewEta,
    List<SupplyLineItem?>? Lines);

public sealed record SupplyLineItem(string? Sku, string? Location, long? Quantity, DateTimeOffset? Eta);
