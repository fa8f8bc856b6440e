using System.Text.Json;
using System.Text.Json.Nodes;
using Grid.Gateway.Apis;
using Grid.Gateway.Problems;
using Grid.Gateway.Requests;
using Grid.Gateway.Validation;
using Grid.Imports;

namespace Grid.Gateway.Imports;

/// <summary>One line of an import body: an NDJSON object as text, or a CSV row made an object by its header.</summary>
internal readonly record struct RawLine(int Number, string? Json, JsonObject? Row)
{
    public T? As<T>(JsonSerializerOptions options)
        => Row is null ? JsonSerializer.Deserialize<T>(Json!, options) : Row.Deserialize<T>(options);
}

/// <summary>
/// Turns import lines into what the single-item endpoint of their kind hands its grain, through that endpoint's own
/// checks: a stock line is a <c>cycleCount</c> warehouse event, a policy line what <c>PUT .../policy</c> takes, and so on.
/// </summary>
internal sealed class ImportLines(string importId, ImportKind kind, DateTimeOffset acceptedAt, JsonSerializerOptions json)
{
    /// <summary>The <c>source</c> of the cycle counts a stock import applies; each line's event id is <c>importId:line</c>.</summary>
    public const string Source = "grid-import";

    public (ImportItem? Item, ImportLineError? Error) Read(RawLine line)
    {
        try
        {
            return kind switch
            {
                ImportKind.Stock => Stock(line.Number, line.As<StockImportLine>(json)),
                ImportKind.Policies => Policy(line.Number, line.As<PolicyImportLine>(json)),
                ImportKind.Locations => Location(line.Number, line.As<LocationImportLine>(json)),
                _ => Credit(line.Number, line.As<CreditImportLine>(json)),
            };
        }
        catch (JsonException e)
        {
            var field = GridExceptionHandler.FieldFromPath(e.Path);
            return (null, new ImportLineError(line.Number, field == "body" ? null : field,
                field == "body" ? "The line is not a JSON object." : $"'{field}' has a value of the wrong type or is not valid JSON."));
        }
    }

    private (ImportItem?, ImportLineError?) Stock(int number, StockImportLine? line)
    {
        if (line is null)
        {
            return NotAnObject(number);
        }

        var errors = new FieldErrors();
        var (movement, _, _) = WarehouseEventsApi.ToEvents(new WarehouseEventItem(
            EventId: $"{importId}:{number}", Source: Source, OccurredAt: line.CountedAt ?? acceptedAt, Sequence: null,
            Type: "cycleCount", Sku: line.Sku, Location: line.Location, Quantity: null, CountedQuantity: line.CountedQuantity,
            MissingQuantity: null, Reference: importId, Reason: line.Reason, OrderId: null, LineId: null, ReturnId: null,
            Disposition: null, ShipmentId: null), errors);
        return Answer(number, errors, () => new ImportItem(number, Identifiers.SkuLocationKey(line.Sku!, line.Location!), Movement: movement));
    }

    private static (ImportItem?, ImportLineError?) Policy(int number, PolicyImportLine? line)
    {
        if (line is null)
        {
            return NotAnObject(number);
        }

        var errors = new FieldErrors();
        errors.Sku("sku", line.Sku);
        errors.Location("location", line.Location);
        var policy = InventoryApi.ReadPolicy(new InventoryPolicyRequest(line.SafetyStock, line.RingFences), errors);
        return Answer(number, errors, () => new ImportItem(number, Identifiers.SkuLocationKey(line.Sku!, line.Location!), Policy: policy));
    }

    private static (ImportItem?, ImportLineError?) Location(int number, LocationImportLine? line)
    {
        if (line is null)
        {
            return NotAnObject(number);
        }

        var errors = new FieldErrors();
        errors.Location("location", line.Location);
        var location = LocationsApi.ReadLocation(line.Location ?? "", new LocationRequest(line.Name, line.Type, line.Regions, line.Priority), errors);
        return Answer(number, errors, () => new ImportItem(number, line.Location!, Location: location));
    }

    private static (ImportItem?, ImportLineError?) Credit(int number, CreditImportLine? line)
    {
        if (line is null)
        {
            return NotAnObject(number);
        }

        var errors = new FieldErrors();
        errors.Id("customerId", line.CustomerId);
        var credit = ErpApi.ReadCredit(new CreditRequest(line.Status, line.Reason, line.UpdatedAt), errors);
        return Answer(number, errors, () => new ImportItem(number, line.CustomerId!, Credit: credit));
    }

    private static (ImportItem?, ImportLineError?) Answer(int number, FieldErrors errors, Func<ImportItem> item)
        => errors.IsValid ? (item(), null) : (null, new ImportLineError(number, errors.FirstField, errors.Summary()));

    private static (ImportItem?, ImportLineError?) NotAnObject(int number) => (null, new ImportLineError(number, null, "The line is not a JSON object."));
}
