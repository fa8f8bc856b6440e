using Grid.Domain.Outbound;
using Grid.Inventory;

namespace Grid.Outbound;

/// <summary><c>grid.inventory.availability.changed.v1</c> for a change read from the availability feed.</summary>
public static class AvailabilityEvents
{
    /// <summary>
    /// The event of the change at <paramref name="position"/> of the feed named <paramref name="epoch"/>. Its id comes
    /// from the feed position, so a change sent again (a retry, a restart) carries the id it had, at every target; its
    /// <c>sequence</c> is the position, which rises with every change of the SKU-location.
    /// </summary>
    public static QueuedEvent From(string epoch, long position, AvailabilitySnapshot snapshot, DateTimeOffset now, TimeSpan staleAfter)
    {
        var a = snapshot.ToAvailability(AvailabilityQuery.Now, now, staleAfter);
        var data = new AvailabilityEventData(
            snapshot.Sku, snapshot.Location, a.Available, a.OnHand, a.Damaged, a.Quarantine, a.SafetyStock, a.Reserved, a.Allocated,
            [.. a.Inbound.Select(i => new InboundEventData(i.Quantity, i.Eta, i.Reference))], a.AsOf, a.LastWarehouseEventAt, a.Stale);
        var e = new OutgoingEvent(
            $"availability-{epoch}-{position}", OutboundEventTypes.AvailabilityChanged.Type, OutboundSubjects.Inventory(snapshot.Sku, snapshot.Location),
            snapshot.AsOf ?? now, position, OutboundJson.Serialize(data));
        return new QueuedEvent(e, position, now);
    }
}
