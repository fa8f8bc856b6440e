using Grid.Orders;

namespace Grid.Inventory;

/// <summary>
/// Cart to order at one SKU-location (the <c>InventoryGrain</c>, keyed <c>SKU@LOCATION</c>): an order takes over a
/// reservation its channel holds, and the hold becomes the order's allocation, without a second hold.
/// </summary>
[Alias("grid.inventory.IReservationTakeoverGrain")]
public interface IReservationTakeoverGrain : IGrainWithStringKey
{
    /// <summary>
    /// Commits the reservation to <paramref name="orderId"/> if it is <paramref name="channel"/>'s, active and not due,
    /// and no other order's; taking it over again answers the same. Otherwise nothing changes and the refusal says why.
    /// </summary>
    [Alias("TakeOver")]
    Task<TakeOverResult> TakeOver(string reservationId, string orderId, string channel);
}

[GenerateSerializer, Immutable, Alias("grid.inventory.TakeOverResult")]
public sealed record TakeOverResult(
    [property: Id(0)] CartRefusal Refusal,
    [property: Id(1)] ReservationView? Reservation);
