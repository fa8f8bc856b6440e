using System.Collections.Immutable;

namespace Grid.Orders;

[GenerateSerializer, Immutable, Alias("grid.orders.BackorderRequest")]
public sealed record BackorderRequest(
    [property: Id(0)] string OrderId,
    [property: Id(1)] string LineId,
    [property: Id(2)] string Channel,
    [property: Id(3)] long Quantity,
    [property: Id(4)] string? CustomerId = null);

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
    [property: Id(5)] string? PromisedFrom,
    [property: Id(6)] bool Preorder = false);

[GenerateSerializer, Immutable, Alias("grid.orders.BackorderQueueView")]
public sealed record BackorderQueueView(
    [property: Id(0)] string Sku,
    [property: Id(1)] string Location,
    [property: Id(2)] ImmutableArray<BackorderEntryView> Entries,
    [property: Id(3)] int PendingNotices);

/// <summary>A SKU-location's pre-order terms: at most <see cref="Cap"/> units sold ahead of its dated inbound supply, until <see cref="EndsAt"/> (if set).</summary>
[GenerateSerializer, Immutable, Alias("grid.orders.PreorderTermsInput")]
public sealed record PreorderTermsInput(
    [property: Id(0)] long Cap,
    [property: Id(1)] DateTimeOffset? EndsAt);

/// <summary>A SKU-location's pre-orders: its terms, the units pre-ordered (counted against the cap), what the cap leaves, the open pre-orders.</summary>
[GenerateSerializer, Immutable, Alias("grid.orders.PreorderView")]
public sealed record PreorderView(
    [property: Id(0)] string Sku,
    [property: Id(1)] string Location,
    [property: Id(2)] bool Open,
    [property: Id(3)] long Cap,
    [property: Id(4)] DateTimeOffset? EndsAt,
    [property: Id(5)] long Preordered,
    [property: Id(6)] long Remaining,
    [property: Id(7)] ImmutableArray<BackorderEntryView> Waiting);

[GenerateSerializer, Alias("grid.orders.PreorderRefusal")]
public enum PreorderRefusal
{
    None = 0,
    NotOpen = 1,
    CapExceeded = 2,
    NoSupply = 3,
}

/// <summary>The answer to a pre-order: its promise, or why it was refused; the cap and what it leaves either way.</summary>
[GenerateSerializer, Immutable, Alias("grid.orders.PreorderResult")]
public sealed record PreorderResult(
    [property: Id(0)] PreorderRefusal Refusal,
    [property: Id(1)] BackorderPromise? Promise,
    [property: Id(2)] long Cap,
    [property: Id(3)] long Remaining,
    [property: Id(4)] string? Detail = null);

/// <summary>A pre-order line of a submission that was refused: the line, why, the cap and what it leaves.</summary>
[GenerateSerializer, Immutable, Alias("grid.orders.PreorderRefusalView")]
public sealed record PreorderRefusalView(
    [property: Id(0)] string LineId,
    [property: Id(1)] PreorderRefusal Reason,
    [property: Id(2)] long Cap,
    [property: Id(3)] long Remaining,
    [property: Id(4)] string Detail);
