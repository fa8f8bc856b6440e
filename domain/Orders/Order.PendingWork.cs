namespace Grid.Domain.Orders;

// Work the owning grain reports done: allocations released, picks applied, shipments registered, exceptions reported.
public sealed partial class Order
{
    public void MarkReleased(AllocationRelease release, DateTimeOffset now)
    {
        PendingReleases.Remove(release);
        Touch(now);
    }

    public void MarkPickApplied(PickToApply pick, DateTimeOffset now)
    {
        PendingPicks.Remove(pick);
        Touch(now);
    }

    public void MarkShipmentRegistered(string shipmentId, DateTimeOffset now)
    {
        var index = Shipments.FindIndex(s => string.Equals(s.ShipmentId, shipmentId, StringComparison.Ordinal));
        if (index >= 0)
        {
            Shipments[index] = Shipments[index] with { Registered = true };
            Touch(now);
        }
    }

    public void MarkExceptionsReported(IEnumerable<string> ids, DateTimeOffset now)
    {
        var reported = ids.ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < Exceptions.Count; i++)
        {
            if (reported.Contains(Exceptions[i].Id))
            {
                Exceptions[i] = Exceptions[i] with { Reported = true };
            }
        }

        Touch(now);
    }
}
