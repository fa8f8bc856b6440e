using Grid.Orders;

namespace Grid.Inventory;

// Cart to order: an order takes over a reservation its channel holds (kept apart from the write path's files).
public sealed partial class InventoryGrain : IReservationTakeoverGrain
{
    public async Task<TakeOverResult> TakeOver(string reservationId, string orderId, string channel)
    {
        var decision = _inventory.TakeOver(reservationId, orderId, channel, Now);
        await DurableAsync(decision.Changed);
        return new TakeOverResult((CartRefusal)decision.Refusal, decision.Reservation?.ToContract(_inventory.Sku, _inventory.Location));
    }
}
