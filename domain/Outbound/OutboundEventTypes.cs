namespace Grid.Domain.Outbound;

/// <summary>
/// One canonical outbound event type (DESIGN §5): its CloudEvents <c>type</c> (<c>grid.&lt;name&gt;.v&lt;version&gt;</c>),
/// what its <c>subject</c> names, and whether a newer event of it replaces an undelivered older one for the same subject.
/// Each is documented with a JSON Schema and an example under <c>docs/events/</c>.
/// </summary>
public sealed record OutboundEventType(string Name, int Version, string SubjectKind, bool Coalesce, string Description)
{
    /// <summary>The CloudEvents <c>type</c>, for example <c>grid.order.accepted.v1</c>.</summary>
    public string Type => $"grid.{Name}.v{Version}";
}

/// <summary>The catalogue of Grid's outbound event types. Adding a type is adding a line here and its schema under docs/events/.</summary>
public static class OutboundEventTypes
{
    public static readonly OutboundEventType AvailabilityChanged = new("inventory.availability.changed", 1, "inventory", Coalesce: true,
        "A SKU-location's buckets and ATP after a change (reservation, movement, policy, expiry). Coalesced: a target that is behind receives the latest only.");

    public static readonly OutboundEventType OrderAccepted = new("order.accepted", 1, "order", false, "Every line of the order is allocated.");

    public static readonly OutboundEventType OrderBackordered = new("order.backordered", 1, "order", false,
        "Some or all units of the order wait for stock (status partiallyBackordered or backordered), with promised dates where supply is due.");

    public static readonly OutboundEventType OrderOnHold = new("order.on-hold", 1, "order", false, "The customer is on credit hold: the order is allocated but not released.");

    public static readonly OutboundEventType OrderReleased = new("order.released", 1, "order", false, "The order (or its allocated part) is released to the warehouse.");

    public static readonly OutboundEventType OrderShipped = new("order.shipped", 1, "order", false,
        "A shipment of the order was confirmed by the warehouse (partial or final; status says which).");

    public static readonly OutboundEventType OrderDelivered = new("order.delivered", 1, "order", false, "Every shipped unit of the order is delivered.");

    public static readonly OutboundEventType OrderCancelled = new("order.cancelled", 1, "order", false, "The order, or what had not shipped of it, was cancelled.");

    public static readonly OutboundEventType OrderChanged = new("order.changed", 1, "order", false,
        "A line of the order was cancelled or reduced after submission; what it held is given back.");

    public static readonly OutboundEventType OrderRejected = new("order.rejected", 1, "order", false, "The order could not be sourced at all (no location serves it).");

    public static readonly OutboundEventType OrderException = new("order.exception", 1, "order", false,
        "Something about the order a person must look at: short pick, SLA breach, carrier exception, unexpected warehouse event...");

    public static readonly OutboundEventType CommitmentRevised = new("commitment.revised", 1, "order", false,
        "The date promised for backordered units moved (supply delayed or earlier).");

    public static readonly OutboundEventType ReturnReceived = new("return.received", 1, "order", false,
        "Returned units were received with a disposition; says whether the return is complete and a credit memo is due.");

    public static readonly OutboundEventType ShipmentMilestone = new("shipment.milestone", 1, "shipment", false,
        "A carrier milestone of a shipment (packed, dispatched, in transit, out for delivery, delivered with proof, exception).");

    public static readonly OutboundEventType ReservationExpired = new("reservation.expired", 1, "reservation", false,
        "A reservation's time ran out before it was committed or released: its units are available to promise again.");

    public static readonly OutboundEventType ReservationReleased = new("reservation.released", 1, "reservation", false,
        "A reservation was released by its channel: its units are available to promise again.");

    public static readonly OutboundEventType ReservationCommitted = new("reservation.committed", 1, "reservation", false,
        "A reservation became an allocation of an order.");

    public static readonly OutboundEventType InventoryInvariantViolated = new("inventory.invariant-violated", 1, "inventory-check", false,
        "A SKU-location's self-check failed after a change (a bucket below zero, commitments beyond the stock): applied as reported, to be reconciled.");

    public static readonly OutboundEventType InventoryNegativeOnHand = new("inventory.negative-on-hand", 1, "inventory-check", false,
        "A warehouse movement left a SKU-location's on-hand below zero: applied as the warehouse reported it, to be reconciled.");

    public static readonly OutboundEventType ReconciliationDiscrepancy = new("reconciliation.discrepancy", 1, "reconciliation", false,
        "The ERP's on-hand for a SKU at a location differs from Grid's; neither side is changed.");

    public static readonly OutboundEventType ExceptionOpened = new("exception.opened", 1, "exception", false,
        "Something a person must act on entered the exception queue (or was reopened): kind, severity, subject, counts.");

    public static readonly OutboundEventType ExceptionResolved = new("exception.resolved", 1, "exception", false,
        "An exception of the queue was resolved, by a person with a note or by the system when its condition cleared.");

    public static IReadOnlyList<OutboundEventType> All { get; } =
    [
        AvailabilityChanged, OrderAccepted, OrderBackordered, OrderOnHold, OrderReleased, OrderShipped, OrderDelivered,
        OrderCancelled, OrderChanged, OrderRejected, OrderException, CommitmentRevised, ReturnReceived, ShipmentMilestone, ReconciliationDiscrepancy,
        ReservationExpired, ReservationReleased, ReservationCommitted, InventoryInvariantViolated, InventoryNegativeOnHand,
        ExceptionOpened, ExceptionResolved,
    ];

    private static readonly Dictionary<string, OutboundEventType> ByType = All.ToDictionary(t => t.Type, StringComparer.Ordinal);

    public static OutboundEventType? Find(string type) => ByType.GetValueOrDefault(type);

    /// <summary>
    /// Whether <paramref name="type"/> matches a configured pattern: an exact type (<c>grid.order.accepted.v1</c>), a
    /// prefix ending in <c>*</c> (<c>grid.order.*</c>), or <c>*</c> for every type.
    /// </summary>
    public static bool Matches(string pattern, string type)
        => pattern == "*"
           || (pattern.EndsWith('*') ? type.StartsWith(pattern[..^1], StringComparison.Ordinal) : string.Equals(pattern, type, StringComparison.Ordinal));

    /// <summary>The catalogue types a pattern selects (empty for a pattern that selects none: a configuration mistake).</summary>
    public static IReadOnlyList<OutboundEventType> Selected(string pattern) => [.. All.Where(t => Matches(pattern, t.Type))];
}

/// <summary>Subjects of outbound events: what an event is about, one grain emitting each.</summary>
public static class OutboundSubjects
{
    public static string Order(string orderId) => $"order/{orderId}";

    public static string Inventory(string sku, string location) => $"inventory/{sku}@{location}";

    public static string Shipment(string shipmentId) => $"shipment/{shipmentId}";

    /// <summary>A reservation at a SKU-location: its expiry, release or commit.</summary>
    public static string Reservation(string sku, string location, string reservationId) => $"reservation/{sku}@{location}/{reservationId}";

    /// <summary>
    /// A SKU-location's self-checks. Apart from <see cref="Inventory"/>, whose availability events are numbered by the
    /// SKU-location's availability slot: each subject has one numbering.
    /// </summary>
    public static string InventoryCheck(string sku, string location) => $"inventory-check/{sku}@{location}";

    /// <summary>
    /// The discrepancies one reconciliation shard of a location found (<c>reconciliation/DC1/3</c>): a SKU always hashes to
    /// the same shard, so a SKU-location's discrepancies keep their order.
    /// </summary>
    public static string Reconciliation(string location, int shard)
        => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"reconciliation/{location}/{shard}");

    /// <summary>An exception of the ops queue, by its id.</summary>
    public static string Exception(string id) => $"exception/{id}";
}
