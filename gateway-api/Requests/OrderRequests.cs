namespace Grid.Gateway.Requests;

// Order-side HTTP bodies (API.md: Orders, ERP, Locations, Carrier milestones). Every field is nullable so that a missing
// one is reported by name rather than defaulted.

public sealed record SubmitOrderRequest(
    string? OrderId,
    string? CustomerId,
    string? Channel,
    ShipToRequest? ShipTo,
    bool? AllowSplit,
    List<OrderLineItem?>? Lines,
    DateTimeOffset? RequestedDeliveryDate = null);

public sealed record ShipToRequest(
    string? Region,
    string? Name,
    string? Line1,
    string? Line2,
    string? City,
    string? PostalCode,
    string? Country);

public sealed record OrderLineItem(string? LineId, string? Sku, long? Quantity, string? Location, List<string?>? ReservationIds = null, bool? Preorder = null);

/// <summary>A SKU-location's pre-order terms (docs/preorders.md).</summary>
public sealed record PreorderTermsRequest(long? Cap, DateTimeOffset? EndsAt);

public sealed record CancelOrderRequest(string? Reason);

/// <summary>A line's new quantity (fewer units than it has now), and why.</summary>
public sealed record ReduceLineRequest(long? Quantity, string? Reason);

public sealed record ReturnRequest(string? ReturnId, List<ReturnLineItem?>? Lines);

public sealed record ReturnLineItem(string? LineId, long? Quantity);

public sealed record CreditRequest(string? Status, string? Reason, DateTimeOffset? UpdatedAt);

/// <summary>The ERP's customer group for a customer; a null group takes the customer out of every group.</summary>
public sealed record CustomerGroupRequest(string? Group, DateTimeOffset? UpdatedAt);

public sealed record InvoiceRequest(string? InvoiceId, string? OrderId, List<InvoiceLineItem?>? Lines, DateTimeOffset? PostedAt);

public sealed record InvoiceLineItem(string? LineId, long? Quantity);

public sealed record LocationRequest(string? Name, string? Type, List<string?>? Regions, int? Priority);

public sealed record MilestoneRequest(string? EventId, string? Type, DateTimeOffset? OccurredAt, string? Detail, string? ProofOfDelivery);

/// <summary>One line of a <c>shipConfirm</c> warehouse event.</summary>
public sealed record ShipConfirmLineItem(string? LineId, string? Sku, long? Quantity);
