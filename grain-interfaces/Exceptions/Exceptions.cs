using System.Collections.Immutable;

namespace Grid.Exceptions;

/// <summary>What went wrong (mirrors the domain's <c>ExceptionKind</c>; the first twelve are <c>OrderExceptionKind</c>'s values).</summary>
[GenerateSerializer, Alias("grid.exceptions.ExceptionKind")]
public enum ExceptionKind
{
    ShortPick = 0,
    SlaBreach = 1,
    CarrierException = 2,
    OverPick = 3,
    OverShipment = 4,
    UnexpectedWarehouseEvent = 5,
    UnauthorizedReturn = 6,
    ReturnOverReceipt = 7,
    PickedUnitsOnCancel = 8,
    InvariantViolated = 9,
    NegativeOnHand = 10,
    RequestedDateMissed = 11,
    ReconciliationDiscrepancy = 12,
    OutboundDeadLetter = 13,
    StreamDeadLetter = 14,
}

[GenerateSerializer, Alias("grid.exceptions.ExceptionSeverity")]
public enum ExceptionSeverity
{
    Warning = 0,
    Error = 1,
    Critical = 2,
}

[GenerateSerializer, Alias("grid.exceptions.ExceptionState")]
public enum ExceptionState
{
    Open = 0,
    Acknowledged = 1,
    Resolved = 2,
}

[GenerateSerializer, Alias("grid.exceptions.ExceptionSubjectType")]
public enum ExceptionSubjectType
{
    Order = 0,
    SkuLocation = 1,
    Target = 2,
    Stream = 3,
}

[GenerateSerializer, Alias("grid.exceptions.ExceptionResultCode")]
public enum ExceptionResultCode
{
    Ok = 0,
    NotFound = 1,
    Conflict = 2,
}

/// <summary>What an exception is about: an order id, <c>SKU@LOCATION</c>, a target name or <c>namespace/key</c> of a stream.</summary>
[GenerateSerializer, Immutable, Alias("grid.exceptions.ExceptionSubject")]
public sealed record ExceptionSubject(
    [property: Id(0)] ExceptionSubjectType Type,
    [property: Id(1)] string Id)
{
    /// <summary>The dead letters of one event queue: <c>provider/queue</c>.</summary>
    public static ExceptionSubject StreamQueue(string provider, int queue)
        => new(ExceptionSubjectType.Stream, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{provider}/{queue}"));
}

/// <summary>
/// A source telling the queue something went wrong; reports with the same kind, subject and discriminator coalesce
/// while the exception is unresolved, and a <see cref="SourceId"/> seen before is not counted again.
/// </summary>
[GenerateSerializer, Immutable, Alias("grid.exceptions.ExceptionReportInput")]
public sealed record ExceptionReportInput(
    [property: Id(0)] ExceptionKind Kind,
    [property: Id(1)] ExceptionSubject Subject,
    [property: Id(2)] string Detail,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] string SourceId,
    [property: Id(5)] string? Discriminator = null,
    [property: Id(6)] ExceptionSeverity? Severity = null,
    [property: Id(7)] string? LineId = null,
    [property: Id(8)] string? Sku = null,
    [property: Id(9)] string? Location = null,
    [property: Id(10)] string? Reference = null);

/// <summary>The condition behind an exception cleared: the unresolved one with this kind, subject and discriminator resolves by itself.</summary>
[GenerateSerializer, Immutable, Alias("grid.exceptions.ExceptionClearanceInput")]
public sealed record ExceptionClearanceInput(
    [property: Id(0)] ExceptionKind Kind,
    [property: Id(1)] ExceptionSubject Subject,
    [property: Id(2)] string Why,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] string? Discriminator = null);

/// <summary>One exception of the queue as ops see it. <see cref="OrderId"/> is the subject's id when the subject is an order.</summary>
[GenerateSerializer, Immutable, Alias("grid.exceptions.ExceptionView")]
public sealed record ExceptionView(
    [property: Id(0)] string Id,
    [property: Id(1)] ExceptionKind Kind,
    [property: Id(2)] ExceptionSeverity Severity,
    [property: Id(3)] ExceptionState State,
    [property: Id(4)] ExceptionSubject Subject,
    [property: Id(5)] string Detail,
    [property: Id(6)] DateTimeOffset FirstSeenAt,
    [property: Id(7)] DateTimeOffset LastSeenAt,
    [property: Id(8)] int Count,
    [property: Id(9)] DateTimeOffset UpdatedAt,
    [property: Id(10)] string? AcknowledgedBy,
    [property: Id(11)] DateTimeOffset? AcknowledgedAt,
    [property: Id(12)] string? AssignedTo,
    [property: Id(13)] string? ResolvedBy,
    [property: Id(14)] DateTimeOffset? ResolvedAt,
    [property: Id(15)] string? Resolution,
    [property: Id(16)] string? OrderId,
    [property: Id(17)] string? LineId,
    [property: Id(18)] string? Sku,
    [property: Id(19)] string? Location,
    [property: Id(20)] string? Reference);

/// <summary>Which exceptions a listing wants; an empty or null field does not filter.</summary>
[GenerateSerializer, Immutable, Alias("grid.exceptions.ExceptionFilter")]
public sealed record ExceptionFilter(
    [property: Id(0)] ImmutableArray<ExceptionKind> Kinds,
    [property: Id(1)] ImmutableArray<ExceptionState> States,
    [property: Id(2)] ExceptionSeverity? MinSeverity = null,
    [property: Id(3)] ExceptionSubjectType? SubjectType = null,
    [property: Id(4)] string? SubjectId = null,
    [property: Id(5)] string? AssignedTo = null);

/// <summary>A page of the list, newest first; <see cref="NextCursor"/> continues it (null on the last page).</summary>
[GenerateSerializer, Immutable, Alias("grid.exceptions.ExceptionPage")]
public sealed record ExceptionPage(
    [property: Id(0)] ImmutableArray<ExceptionView> Exceptions,
    [property: Id(1)] string? NextCursor);

/// <summary>The answer to acknowledge, assign, resolve or reopen: the exception as it stands, or why not.</summary>
[GenerateSerializer, Immutable, Alias("grid.exceptions.ExceptionResult")]
public sealed record ExceptionResult(
    [property: Id(0)] ExceptionResultCode Code,
    [property: Id(1)] ExceptionView? Exception,
    [property: Id(2)] string? Problem);

/// <summary>A person's action on one exception: acknowledge, assign (to <see cref="Assignee"/>), resolve (with <see cref="Note"/>) or reopen.</summary>
[GenerateSerializer, Immutable, Alias("grid.exceptions.ExceptionAction")]
public sealed record ExceptionAction(
    [property: Id(0)] ExceptionActionType Type,
    [property: Id(1)] string By,
    [property: Id(2)] string? Assignee = null,
    [property: Id(3)] string? Note = null);

[GenerateSerializer, Alias("grid.exceptions.ExceptionActionType")]
public enum ExceptionActionType
{
    Acknowledge = 0,
    Assign = 1,
    Resolve = 2,
    Reopen = 3,
}
