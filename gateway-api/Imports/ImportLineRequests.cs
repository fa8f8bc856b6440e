namespace Grid.Gateway.Imports;

/// <summary>A line of a stock import: the units counted at a SKU-location, applied as a cycle count.</summary>
public sealed record StockImportLine(string? Sku, string? Location, long? CountedQuantity, DateTimeOffset? CountedAt, string? Reason);

/// <summary>A line of a policy import: what <c>PUT /inventory/{sku}@{location}/policy</c> takes, with the SKU-location.</summary>
public sealed record PolicyImportLine(string? Sku, string? Location, long? SafetyStock, Dictionary<string, long?>? RingFences);

/// <summary>A line of a location import: what <c>PUT /locations/{location}</c> takes, with the location.</summary>
public sealed record LocationImportLine(string? Location, string? Name, string? Type, List<string?>? Regions, int? Priority);

/// <summary>A line of a credit import: what <c>PUT /customers/{customerId}/credit</c> takes, with the customer.</summary>
public sealed record CreditImportLine(string? CustomerId, string? Status, string? Reason, DateTimeOffset? UpdatedAt);
