using Microsoft.Extensions.Logging;
using D = Grid.Domain.Orders;

namespace Grid.Orders;

// Log messages (event ids 12xx).
public sealed partial class OrderGrain
{
    [LoggerMessage(EventId = 1201, EventName = "OrderSubmitted", Level = LogLevel.Information,
        Message = "Order {OrderId} submitted for customer {CustomerId} with {Lines} line(s)")]
    private partial void LogSubmitted(string orderId, string customerId, int lines);

    [LoggerMessage(EventId = 1202, EventName = "OrderRejected", Level = LogLevel.Information, Message = "Order {OrderId} rejected: {Reason}")]
    private partial void LogRejected(string orderId, string reason);

    [LoggerMessage(EventId = 1203, EventName = "OrderCommandRefused", Level = LogLevel.Debug, Message = "Order {OrderId} ({Status}) refused a command: {Detail}")]
    private partial void LogRefused(string orderId, D.OrderStatus status, string? detail);

    [LoggerMessage(EventId = 1204, EventName = "OrderExceptionRaised", Level = LogLevel.Warning, Message = "Order {OrderId}: {Kind}: {Detail}")]
    private partial void LogExceptionRaised(string orderId, D.OrderExceptionKind kind, string detail);

    [LoggerMessage(EventId = 1205, EventName = "OrderSlaBreached", Level = LogLevel.Warning, Message = "Order {OrderId} breached its SLA while {Status}: {Detail}")]
    private partial void LogSlaBreached(string orderId, D.OrderStatus status, string detail);

    [LoggerMessage(EventId = 1206, EventName = "OrderWorkDeferred", Level = LogLevel.Warning,
        Message = "Order {OrderId}: pending work deferred (a grain or silo did not answer); it resumes with the next command, ring or reminder")]
    private partial void LogWorkDeferred(Exception exception, string orderId);

    [LoggerMessage(EventId = 1207, EventName = "OrderUnsourceable", Level = LogLevel.Warning, Message = "Order {OrderId}: units left unsourced: {Reason}")]
    private partial void LogUnsourceable(string orderId, string reason);

    [LoggerMessage(EventId = 1208, EventName = "WarehouseEventForUnknownOrder", Level = LogLevel.Debug,
        Message = "Order {OrderId} is not known to Grid: {Type} event {EventId} goes to its SKU-location as it came")]
    private partial void LogEventForUnknownOrder(string orderId, string eventId, OrderEventType type);

    [LoggerMessage(EventId = 1209, EventName = "OrderWriteFailed", Level = LogLevel.Error, Message = "Order {OrderId}: write failed; the activation will reload from storage")]
    private partial void LogWriteFailed(Exception exception, string orderId);

    [LoggerMessage(EventId = 1212, EventName = "OrderKpisDeferred", Level = LogLevel.Warning,
        Message = "Order {OrderId}: {Count} KPI fact(s) could not be recorded now; they stay pending for its next round of work")]
    private partial void LogKpisDeferred(Exception exception, string orderId, int count);

    [LoggerMessage(EventId = 1220, EventName = "CartReservationsRefused", Level = LogLevel.Debug,
        Message = "Order {OrderId} refused: {Count} reservation(s) named on its lines cannot be taken over, first: {Detail}")]
    private partial void LogCartRefused(string orderId, int count, string detail);

    [LoggerMessage(EventId = 1221, EventName = "CartReservationLost", Level = LogLevel.Warning,
        Message = "Order {OrderId}: reservation {ReservationId} at {Location} was lost before it could be taken over ({Refusal}); its units are sourced instead")]
    private partial void LogCartReservationLost(string orderId, string reservationId, string location, CartRefusal refusal);
}
