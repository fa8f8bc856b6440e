using Microsoft.Extensions.Logging;

namespace Grid.Inventory;

// Log messages (event ids 11xx).
public sealed partial class InventoryGrain
{
    [LoggerMessage(EventId = 1101, EventName = "ReservationRefused", Level = LogLevel.Debug,
        Message = "{Key}: reservation {ReservationId} for {Quantity} refused, {Available} available")]
    private partial void LogReservationRefused(string key, string reservationId, long quantity, long available);

    [LoggerMessage(EventId = 1102, EventName = "ReservationsExpired", Level = LogLevel.Information,
        Message = "{Key}: expired {Count} reservation(s)")]
    private partial void LogReservationsExpired(string key, int count);

    [LoggerMessage(EventId = 1103, EventName = "MovementFlagged", Level = LogLevel.Warning,
        Message = "{Key}: movement {EventId} ({Type}) flagged for reconciliation: {Detail}")]
    private partial void LogMovementFlagged(string key, string eventId, MovementType type, string? detail);

    [LoggerMessage(EventId = 1106, EventName = "QueuedEventRejected", Level = LogLevel.Warning,
        Message = "{Key}: queued event {EventId} could not be applied: {Detail}")]
    private partial void LogQueuedEventRejected(string key, string eventId, string? detail);

    [LoggerMessage(EventId = 1122, EventName = "QuotaReportDeferred", Level = LogLevel.Warning,
        Message = "{Key}: the units held against product allocation quotas could not be reported now; reported again with the next change or activation")]
    private partial void LogQuotaReportDeferred(Exception exception, string key);

    [LoggerMessage(EventId = 1112, EventName = "InventoryEventsDeferred", Level = LogLevel.Warning,
        Message = "{Key}: events or failed self-checks could not be handed over now; tried again in 2 s, or with the next change, sweep or activation")]
    private partial void LogAfterWriteDeferred(Exception exception, string key);

    [LoggerMessage(EventId = 1104, EventName = "InventoryWriteFailed", Level = LogLevel.Error,
        Message = "{Key}: inventory write failed; the activation will reload from storage")]
    private partial void LogWriteFailed(Exception exception, string key);
}
