namespace Grid.Domain.Exceptions;

/// <summary>
/// What went wrong. The first twelve are an order's or a SKU-location's (the same values as
/// <see cref="Orders.OrderExceptionKind"/>); the rest come from reconciliation and delivery.
/// </summary>
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

    /// <summary>An order was cancelled with units picked: they are to be put away (and any invoice credited).</summary>
    PickedUnitsOnCancel = 8,
    InvariantViolated = 9,
    NegativeOnHand = 10,
    RequestedDateMissed = 11,

    /// <summary>The ERP's on-hand for a SKU-location differs from Grid's at a stock snapshot.</summary>
    ReconciliationDiscrepancy = 12,

    /// <summary>An outbound event was given up on for a target (after its retries).</summary>
    OutboundDeadLetter = 13,

    /// <summary>Events of an event queue were given up on (a delivery kept failing).</summary>
    StreamDeadLetter = 14,
}

/// <summary>How urgent: a warning can wait for the day, an error needs someone soon, critical means stock figures are wrong now.</summary>
public enum ExceptionSeverity
{
    Warning = 0,
    Error = 1,
    Critical = 2,
}

/// <summary>Open → acknowledged → resolved; a resolved exception may be reopened.</summary>
public enum ExceptionState
{
    Open = 0,
    Acknowledged = 1,
    Resolved = 2,
}

/// <summary>What an exception is about.</summary>
public enum ExceptionSubjectType
{
    Order = 0,

    /// <summary>A SKU at a location, <c>SKU@LOCATION</c>.</summary>
    SkuLocation = 1,

    /// <summary>An outbound target, by its configured name.</summary>
    Target = 2,

    /// <summary>An event stream, <c>namespace/key</c>.</summary>
    Stream = 3,
}

/// <summary>What a transition of an exception came to.</summary>
public enum ExceptionResultCode
{
    /// <summary>Done, or done already by the same person (a repeat answers the same).</summary>
    Ok = 0,

    /// <summary>No exception has that id.</summary>
    NotFound = 1,

    /// <summary>The exception's state does not allow it (acknowledging a resolved one, reopening an open one...).</summary>
    Conflict = 2,
}

/// <summary>The rules that do not depend on one exception: severities by kind, the name of the system as an actor.</summary>
public static class ExceptionRules
{
    /// <summary>Who resolves an exception whose condition cleared by itself.</summary>
    public const string System = "system";

    public static ExceptionSeverity DefaultSeverity(ExceptionKind kind) => kind switch
    {
        ExceptionKind.InvariantViolated or ExceptionKind.NegativeOnHand => ExceptionSeverity.Critical,
        ExceptionKind.ShortPick or ExceptionKind.SlaBreach or ExceptionKind.CarrierException or ExceptionKind.OverShipment
            or ExceptionKind.PickedUnitsOnCancel or ExceptionKind.ReconciliationDiscrepancy or ExceptionKind.OutboundDeadLetter
            or ExceptionKind.StreamDeadLetter => ExceptionSeverity.Error,
        _ => ExceptionSeverity.Warning,
    };

    /// <summary>The subject an order's exception is about.</summary>
    public static ExceptionSubject Order(string orderId) => new(ExceptionSubjectType.Order, orderId);

    public static ExceptionSubject SkuLocation(string sku, string location) => new(ExceptionSubjectType.SkuLocation, Identifiers.SkuLocationKey(sku, location));

    public static ExceptionSubject Target(string target) => new(ExceptionSubjectType.Target, target);

    public static ExceptionSubject Stream(string streamNamespace, string key) => new(ExceptionSubjectType.Stream, $"{streamNamespace}/{key}");
}
