using System.Text.Json;
using System.Text.Json.Serialization;

namespace Grid.LoadTests.Baseline;

// The baseline's request and answer bodies: the shapes of Grid's API (API.md) for the endpoints the scenarios use.
// Buckets the baseline does not have (allocated, safety stock, damaged, quarantine, inbound) are answered as zero/empty
// so that a client sees the same document.

internal sealed record InboundLine(string Reference, long Quantity, DateTimeOffset Eta);

internal sealed record LocationAtp(
    string Location,
    long Available,
    long OnHand,
    long Reserved,
    long Allocated,
    long SafetyStock,
    long Damaged,
    long Quarantine,
    IReadOnlyList<InboundLine> Inbound,
    DateTimeOffset? AsOf,
    DateTimeOffset? LastWarehouseEventAt,
    bool Stale);

internal sealed record SkuAtp(string Sku, long Available, IReadOnlyList<LocationAtp> Locations, DateTimeOffset? AsOf);

internal sealed record AtpBatchItem(string? Sku, IReadOnlyList<string>? Locations);

internal sealed record AtpBatchRequest(IReadOnlyList<AtpBatchItem?>? Items, string? Channel, string? Date);

internal sealed record AtpBatchAnswer(IReadOnlyList<SkuAtp> Items);

internal sealed record ReserveRequest(
    string? ReservationId,
    string? Sku,
    string? Location,
    long? Quantity,
    string? Channel,
    int? TtlSeconds,
    bool? AllowPartial,
    string? OrderId);

internal sealed record ReservationAnswer(
    string ReservationId,
    string Sku,
    string Location,
    string Status,
    long Quantity,
    long RequestedQuantity,
    string Channel,
    string? OrderId,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? ClosedAt);

internal sealed record WarehouseEventIn(
    string? EventId,
    string? Source,
    DateTimeOffset? OccurredAt,
    string? Type,
    string? Sku,
    string? Location,
    long? Quantity);

internal sealed record WarehouseEventsRequest(IReadOnlyList<WarehouseEventIn?>? Events);

internal sealed record RejectedWarehouseEvent(int Index, string? EventId, string Error);

internal sealed record WarehouseEventsAnswer(int Accepted, IReadOnlyList<RejectedWarehouseEvent> Rejected);

/// <summary>The outbox as Grid's <c>GET /api/v1/ops/outbox</c> shows it: one target and what waits for it.</summary>
internal sealed record OutboxTargetAnswer(string Target, long Depth);

internal sealed record OutboxAnswer(IReadOnlyList<OutboxTargetAnswer> Targets);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AvailabilityData))]
[JsonSerializable(typeof(OutboxAnswer))]
[JsonSerializable(typeof(SkuAtp))]
[JsonSerializable(typeof(AtpBatchRequest))]
[JsonSerializable(typeof(AtpBatchAnswer))]
[JsonSerializable(typeof(ReserveRequest))]
[JsonSerializable(typeof(ReservationAnswer))]
[JsonSerializable(typeof(WarehouseEventsRequest))]
[JsonSerializable(typeof(WarehouseEventsAnswer))]
internal sealed partial class BaselineJson : JsonSerializerContext;

/// <summary>The identifier rules of API.md, checked as Grid checks them.</summary>
internal static class BaselineIdentifiers
{
    public const int MaxSkuLength = 64;
    public const int MaxLocationLength = 32;
    public const int MaxIdLength = 128;

    public static bool IsSku(string? value) => IsCode(value, MaxSkuLength);

    public static bool IsLocation(string? value) => IsCode(value, MaxLocationLength);

    /// <summary>Other ids: 1–128 printable characters.</summary>
    public static bool IsId(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxIdLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsCode(string? value, int maxLength)
    {
        if (string.IsNullOrEmpty(value) || value.Length > maxLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
