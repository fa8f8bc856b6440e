using Grid.Domain;

namespace Grid.Inventory;

/// <summary>Maps between the wire contracts and the pure domain model.</summary>
internal static class InventoryMapping
{
    public static ReserveRequest ToDomain(this ReserveStock c, QuotaTicket? quota = null)
        => new(c.ReservationId, c.Channel, c.Quantity, c.TtlSeconds, c.AllowPartial, c.OrderId, c.ForBackorders, quota);

    public static Movement ToDomain(this WarehouseMovement m)
        => new(m.EventId, m.Source, m.OccurredAt, (MovementKind)m.Type, m.Quantity, m.Sequence, m.Reference, m.Reason, m.OrderId, m.LineId, m.Eta);

    public static MovementOutcome ToContract(this MovementDecision d)
        => new(d.EventId, (MovementOutcomeCode)d.Result, d.Flagged, d.Detail);

    public static ReservationResult ToContract(this ReservationDecision d, string sku, string location)
        => new((ReservationResultCode)d.Code, d.Reservation?.ToContract(sku, location), d.Available, d.Detail, d.Field);

    public static ReservationView ToContract(this Reservation r, string sku, string location)
        => new(r.Id, sku, location, (ReservationStatus)r.State, r.Quantity, r.RequestedQuantity, r.Channel, r.OrderId, r.CreatedAt, r.ExpiresAt, r.ClosedAt);

    public static InventoryDetail ToDetail(this SkuLocationInventory inv, DateTimeOffset now, TimeSpan staleAfter)
    {
        var violations = inv.Violations.Select(v => new InvariantViolation(v.At, v.Rule, v.Detail, v.EventId))
            .Concat(inv.Audit().Select(p => new InvariantViolation(now, "running-total", p, null)));

        return new InventoryDetail(
            inv.Sku,
            inv.Location,
            inv.AvailableFor(null),
            inv.AvailableRaw,
            inv.OnHand,
            inv.Damaged,
            inv.Quarantine,
            inv.SafetyStock,
            inv.Sellable,
            inv.Reserved,
            inv.Allocated,
            [.. inv.RingFenceHolds().Select(h => new RingFenceHold(h.Channel, h.Fenced, h.Used, h.Remaining))],
            [.. inv.Reservations.Values.Where(r => r.IsActive).OrderBy(r => r.ExpiresAt).Select(r => r.ToContract(inv.Sku, inv.Location))],
            [.. inv.Allocations.Values.OrderBy(a => a.OrderId, StringComparer.Ordinal).Select(a => new OrderAllocation(a.OrderId, a.Quantity, a.Channel))],
            [.. inv.Inbound.Select(l => new InboundSupply(l.Reference, l.Quantity, l.Eta))],
            [.. inv.RecentMovements.AsEnumerable().Reverse().Select(m => new AppliedMovement((MovementType)m.Kind, m.Quantity, m.Source, m.EventId, m.OccurredAt, m.AppliedAt, m.OnHandAfter, m.Reference, m.Flagged))],
            [.. violations],
            inv.AsOf,
            inv.LastWarehouseEventAt,
            AvailabilityProjection.IsStale(inv.LastWarehouseEventAt, now, staleAfter),
            inv.HeldForBackorders,
            inv.BackorderDemand);
    }
}
