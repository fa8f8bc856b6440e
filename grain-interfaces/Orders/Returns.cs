using System.Collections.Immutable;

namespace Grid.Orders;

[GenerateSerializer, Alias("grid.orders.ReturnStatus")]
public enum ReturnStatus
{
    Authorized = 0,
    PartiallyReceived = 1,
    Received = 2,
    Closed = 3,
}

[GenerateSerializer, Alias("grid.orders.ReturnDisposition")]
public enum ReturnDisposition
{
    Restock = 0,
    Quarantine = 1,
    Scrap = 2,
}

[GenerateSerializer, Immutable, Alias("grid.orders.ReturnLineInput")]
public sealed record ReturnLineInput(
    [property: Id(0)] string LineId,
    [property: Id(1)] long Quantity);

[GenerateSerializer, Immutable, Alias("grid.orders.AuthorizeReturn")]
public sealed record AuthorizeReturn(
    [property: Id(0)] string ReturnId,
    [property: Id(1)] ImmutableArray<ReturnLineInput> Lines);

[GenerateSerializer, Immutable, Alias("grid.orders.ReturnLineView")]
public sealed record ReturnLineView(
    [property: Id(0)] string LineId,
    [property: Id(1)] string Sku,
    [property: Id(2)] long Authorized,
    [property: Id(3)] long Restocked,
    [property: Id(4)] long Quarantined,
    [property: Id(5)] long Scrapped);

[GenerateSerializer, Immutable, Alias("grid.orders.ReturnTransitionView")]
public sealed record ReturnTransitionView(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] ReturnStatus Status,
    [property: Id(2)] string Cause);

[GenerateSerializer, Immutable, Alias("grid.orders.ReturnView")]
public sealed record ReturnView(
    [property: Id(0)] string ReturnId,
    [property: Id(1)] ReturnStatus Status,
    [property: Id(2)] ImmutableArray<ReturnLineView> Lines,
    [property: Id(3)] ImmutableArray<ReturnTransitionView> History,
    [property: Id(4)] long CreditMemoQuantity,
    [property: Id(5)] DateTimeOffset AuthorizedAt,
    [property: Id(6)] DateTimeOffset? ClosedAt);
