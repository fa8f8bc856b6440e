using System.Text.Json;
using System.Text.Json.Serialization;

namespace Grid.LoadTests.Scenarios;

// Request and response bodies of the API (API.md), only the fields the scenarios use.

internal sealed record ReceiptEvent(string EventId, string Source, DateTimeOffset OccurredAt, string Type, string Sku, string Location, long Quantity);

internal sealed record WarehouseEventBatch(IReadOnlyList<ReceiptEvent> Events);

internal sealed record EventBatchResult(int Accepted, IReadOnlyList<RejectedEvent>? Rejected);

internal sealed record RejectedEvent(int Index, string? EventId, string? Error);

internal sealed record ReservationRequest(string ReservationId, string Sku, string Location, long Quantity, string Channel);

internal sealed record AtpQueryItem(string Sku);

internal sealed record AtpQuery(IReadOnlyList<AtpQueryItem> Items);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WarehouseEventBatch))]
[JsonSerializable(typeof(EventBatchResult))]
[JsonSerializable(typeof(ReservationRequest))]
[JsonSerializable(typeof(AtpQuery))]
internal sealed partial class PayloadJson : JsonSerializerContext;
