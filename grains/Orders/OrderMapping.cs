using System.Collections.Immutable;
using D = Grid.Domain.Orders;

namespace Grid.Orders;

/// <summary>Maps between the order contracts and the pure domain model.</summary>
internal static class OrderMapping
{
    public static D.OrderSubmission ToDomain(this SubmitOrder c) => new(
        c.OrderId,
        c.CustomerId,
        c.Channel,
        new D.ShipTo(c.ShipTo.Region, c.ShipTo.Name, c.ShipTo.Line1, c.ShipTo.Line2, c.ShipTo.City, c.ShipTo.PostalCode, c.ShipTo.Country),
        c.AllowSplit,
        [.. c.Lines.Select(l => new D.OrderLineRequest(l.LineId, l.Sku, l.Quantity, l.Location, l.ReservationIds is { } ids ? [.. ids] : null, l.Preorder))],
        c.RequestedDeliveryDate);

    public static D.CreditStatus ToDomain(this CreditStatus s) => (D.CreditStatus)s;

    public static D.ReturnDisposition ToDomain(this ReturnDisposition d) => (D.ReturnDisposition)d;

    public static D.MilestoneType ToDomain(this MilestoneType t) => (D.MilestoneType)t;

    public static D.LocationType ToDomain(this LocationType t) => (D.LocationType)t;

    public static OrderStatus ToContract(this D.OrderStatus s) => (OrderStatus)s;

    public static OrderView ToView(this D.Order o) => new(
        o.OrderId,
        o.Status.ToContract(),
        o.CustomerId,
        o.Channel,
        new ShipToAddress(o.ShipTo.Region, o.ShipTo.Name, o.ShipTo.Line1, o.ShipTo.Line2, o.ShipTo.City, o.ShipTo.PostalCode, o.ShipTo.Country),
        o.AllowSplit,
        [.. o.Lines.Select(l => ToView(l, o.RequestedDeliveryDate))],
        o.Status == D.OrderStatus.OnHold,
        o.Status == D.OrderStatus.OnHold ? o.CreditHoldReason ?? "credit hold" : null,
        o.RejectionReason,
        o.CancellationReason,
        [.. o.Exceptions.AsEnumerable().Reverse().Select(e => e.ToView(o))],
        [.. o.Commitments.Select(c => new CommitmentRevisionView(c.At, c.LineId, c.Location, c.Quantity, c.PreviousPromisedDate, c.PromisedDate, c.Cause))],
        [.. o.Shipments.Select(s => new OrderShipmentView(s.ShipmentId, s.Location, s.Carrier, s.TrackingNumber, s.ShippedAt, [.. s.Lines.Select(ToContract)], s.DeliveredAt))],
        [.. o.Invoices.Select(i => new InvoiceView(i.InvoiceId, i.PostedAt, [.. i.Lines.Select(l => new InvoiceLineInput(l.LineId, l.Quantity))]))],
        [.. o.Returns.Select(ToView)],
        o.SubmittedAt,
        o.StatusSince,
        o.UpdatedAt,
        o.RequestedDeliveryDate);

    public static OrderTimelineView ToTimeline(this D.Order o)
        => new(o.OrderId, o.Status.ToContract(), [.. o.Timeline.Select(t => new TimelineEntryView(t.At, (OrderStatus?)t.From, t.To.ToContract(), t.Cause))]);

    /// <summary>An order's exception for the ops queue: one per kind and line (or per kind for the whole order) while unresolved.</summary>
    public static Grid.Exceptions.ExceptionReportInput ToReport(this D.OrderException e, D.Order o) => new(
        (Grid.Exceptions.ExceptionKind)e.Kind,
        new Grid.Exceptions.ExceptionSubject(Grid.Exceptions.ExceptionSubjectType.Order, o.OrderId),
        e.Detail,
        e.At,
        e.Id,
        Discriminator: e.LineId,
        LineId: e.LineId,
        Sku: e.LineId is null ? null : o.Lines.FirstOrDefault(l => l.LineId == e.LineId)?.Sku,
        Location: e.Location,
        Reference: e.Id);

    public static OrderExceptionView ToView(this D.OrderException e, D.Order o)
        => new(e.Id, o.OrderId, (OrderExceptionKind)e.Kind, e.At, e.Detail, e.LineId, e.Location, o.Status.ToContract());

    public static ShippedLine ToContract(this D.ShipmentLine l) => new(l.LineId, l.Sku, l.Quantity);

    public static D.ShipmentLine ToDomain(this ShippedLine l) => new(l.LineId, l.Sku, l.Quantity);

    public static ShipmentView ToView(this D.Shipment s) => new(
        s.ShipmentId,
        s.OrderId,
        s.Location,
        s.Carrier,
        s.TrackingNumber,
        s.ShippedAt,
        s.Status,
        [.. s.Lines.Select(ToContract)],
        [.. s.Milestones.Select(m => new MilestoneView(m.EventId, (MilestoneType)m.Type, m.OccurredAt, m.RecordedAt, m.Detail, m.ProofOfDelivery))],
        s.UpdatedAt);

    public static LocationView ToView(this D.LocationRecord l)
        => new(l.Location, l.Name, (LocationType)l.Type, [.. l.Regions], l.Priority, l.UpdatedAt);

    public static D.LocationRecord ToDomain(this LocationView l)
        => new(l.Location, l.Name, (D.LocationType)l.Type, [.. l.Regions], l.Priority, l.UpdatedAt);

    private static OrderLineView ToView(D.OrderLine l, DateTimeOffset? requestedDeliveryDate) => new(
        l.LineId,
        l.Sku,
        l.Quantity,
        l.RequestedLocation,
        Quantities(l.Allocated),
        Quantities(l.Picked),
        l.Backordered,
        l.PromisedDate,
        [.. l.Backorders.OrderBy(b => b.Key, StringComparer.Ordinal).Select(b => new BackorderView(b.Key, b.Value.Quantity, b.Value.PromisedDate))],
        l.Shipped,
        l.Delivered,
        l.Cancelled,
        l.Invoiced,
        l.Unsourced,
        [.. l.ReservationIds],
        l.IsLateFor(requestedDeliveryDate),
        l.Preorder);

    private static ReturnView ToView(D.OrderReturn r) => new(
        r.ReturnId,
        (ReturnStatus)r.Status,
        [.. r.Lines.Select(l => new ReturnLineView(l.LineId, l.Sku, l.Authorized, l.Restocked, l.Quarantined, l.Scrapped))],
        [.. r.History.Select(h => new ReturnTransitionView(h.At, (ReturnStatus)h.Status, h.Cause))],
        r.CreditMemoQuantity,
        r.AuthorizedAt,
        r.ClosedAt);

    private static ImmutableArray<LocationQuantity> Quantities(Dictionary<string, long> buckets)
        => [.. buckets.Where(b => b.Value != 0).OrderBy(b => b.Key, StringComparer.Ordinal).Select(b => new LocationQuantity(b.Key, b.Value))];
}
