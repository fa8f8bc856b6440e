namespace Grid.Orders;

/// <summary>Why a reservation named on an order line cannot become its allocation (mirrors the domain's).</summary>
[GenerateSerializer, Alias("grid.orders.CartRefusal")]
public enum CartRefusal
{
    None = 0,
    Unknown = 1,
    OtherChannel = 2,
    OtherOrder = 3,
    Expired = 4,
    Released = 5,
    ExceedsLine = 6,
}

/// <summary>One line's reservation refused at submission: which, why, and a sentence naming it.</summary>
[GenerateSerializer, Immutable, Alias("grid.orders.CartRefusalView")]
public sealed record CartRefusalView(
    [property: Id(0)] string LineId,
    [property: Id(1)] string ReservationId,
    [property: Id(2)] CartRefusal Reason,
    [property: Id(3)] string Detail);
