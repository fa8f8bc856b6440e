using System.Collections.Immutable;

namespace Grid.Orders;

[GenerateSerializer, Immutable, Alias("grid.orders.BackorderRequest")]
public sealed record BackorderRequest(
    [property: Id(0)] string OrderId,
    [property: Id(1)] string LineId,
    [property: Id(2)] string Channel,
    [property: Id(3)] long Quantity);

/// <summary>What the queue holds for a line and the date it promises it for (null: no known supply covers it).</summary>
[GenerateSerializer, Immutable, Alias("grid.orders.BackorderPromise")]
public sealed record BackorderPromise(
    [property: Id(0)] long Quantity,
    [property: Id(1)] DateTimeOffset? PromisedDate,
    [property: Id(2)] string? PromisedFrom,
    [property: Id(3)] int Position);

[GenerateSerializer, Alias("grid.orders.BackorderNoticeKind")]
public enum BackorderNoticeKind
{
    Filled = 0,
    Repromised = 1,
}

[GenerateSerializer, Immutable, Alias("grid.orders.BackorderNoticeView")]
public sealed record BackorderNoticeView(
    [property: Id(0)] long Sequence,
    [property: Id(1)] BackorderNoticeKind Kind,
    [property: Id(2)] string LineId,
    [property: Id(3)] long Quantity,
    [property: Id(4)] DateTimeOffset? PromisedDate,
    [property: Id(5)] string Cause);

[GenerateSerializer, Immutable, Alias("grid.orders.BackorderEntryView")]
public sealed record BackorderEntryView(
    [property: Id(0)] string OrderId,
    [property: Id(1)] string LineId,
    [property: Id(2)] long Quantity,
    [property: Id(3)] DateTimeOffset QueuedAt,
    [property: Id(4)] DateTimeOffset? PromisedDate,
    [property: Id(5)] string? PromisedFrom);

[GenerateSerializer, Immutable, Alias("grid.orders.BackorderQueueView")]
public sealed record BackorderQueueView(
    [property: Id(0)] string Sku,
    [property: Id(1)] string Location,
    [property: Id(2)] ImmutableArray<BackorderEntryView> Entries,
    [property: Id(3)] int PendingNotices);
