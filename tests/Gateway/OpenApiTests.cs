using System.Net;
using System.Text.Json;

namespace Grid.Tests.Gateway;

/// <summary>The OpenAPI document at <c>/openapi/v1.json</c>.</summary>
[Trait("Category", "Gateway")]
[Collection(GridApiCollection.Name)]
public sealed class OpenApiTests(GridApiFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task The_OpenAPI_document_is_served_as_JSON()
    {
        using var response = await _client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("/api/v1/reservations", text, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(text);
        Assert.StartsWith("3.", document.RootElement.GetProperty("openapi").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/v1/atp/{sku}")]
    [InlineData("/api/v1/atp/query")]
    [InlineData("/api/v1/reservations")]
    [InlineData("/api/v1/reservations/{key}/{reservationId}")]
    [InlineData("/api/v1/reservations/{key}/{reservationId}/commit")]
    [InlineData("/api/v1/reservations/{key}/{reservationId}/extend")]
    [InlineData("/api/v1/inventory/{key}")]
    [InlineData("/api/v1/inventory/{key}/policy")]
    [InlineData("/api/v1/warehouse/events")]
    [InlineData("/api/v1/orders")]
    [InlineData("/api/v1/orders/{orderId}")]
    [InlineData("/api/v1/orders/{orderId}/timeline")]
    [InlineData("/api/v1/orders/{orderId}/cancel")]
    [InlineData("/api/v1/orders/{orderId}/returns")]
    [InlineData("/api/v1/customers/{customerId}/credit")]
    [InlineData("/api/v1/erp/invoices")]
    [InlineData("/api/v1/locations")]
    [InlineData("/api/v1/locations/{location}")]
    [InlineData("/api/v1/shipments/{shipmentId}")]
    [InlineData("/api/v1/shipments/{shipmentId}/milestones")]
    [InlineData("/api/v1/ops/exceptions")]
    public async Task The_OpenAPI_document_describes_each_endpoint_of_the_contract(string path)
    {
        using var document = await DocumentAsync();

        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains(path, paths);
    }

    [Theory]
    [InlineData("/api/v1/warehouse/events", "WarehouseEvent", "receipt,adjustment,cycleCount,damage,quarantine,releaseQuarantine,transferOut,transferIn,pick,shortPick,shipConfirm,returnReceived")]
    [InlineData("/api/v1/supplier/events", "SupplierEvent", "poAcknowledged,asn,delay")]
    public async Task Event_items_are_one_of_a_schema_per_type_discriminated_by_type(string path, string union, string types)
    {
        using var document = await DocumentAsync();

        var body = Schema(document, document.RootElement.GetProperty("paths").GetProperty(path).GetProperty("post")
            .GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        var items = body.GetProperty("properties").GetProperty("events").GetProperty("items");
        Assert.Equal($"#/components/schemas/{union}", items.GetProperty("$ref").GetString());
        var schema = Schema(document, items);
        var discriminator = schema.GetProperty("discriminator");
        Assert.Equal("type", discriminator.GetProperty("propertyName").GetString());
        var mapping = discriminator.GetProperty("mapping").EnumerateObject().ToDictionary(m => m.Name, m => m.Value.GetString());
        Assert.Equal(types.Split(','), mapping.Keys);
        Assert.Equal(mapping.Values, schema.GetProperty("oneOf").EnumerateArray().Select(m => m.GetProperty("$ref").GetString()));
        foreach (var (type, reference) in mapping)
        {
            var member = Schema(document, reference!);
            Assert.Equal([type], member.GetProperty("properties").GetProperty("type").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
            Assert.Contains("type", Required(member));
        }
    }

    [Theory]
    [InlineData("ReceiptEvent", "eventId,source,occurredAt,type,sku,location,quantity")]
    [InlineData("AdjustmentEvent", "eventId,source,occurredAt,type,sku,location,quantity")]
    [InlineData("CycleCountEvent", "eventId,source,occurredAt,type,sku,location,countedQuantity")]
    [InlineData("DamageEvent", "eventId,source,occurredAt,type,sku,location,quantity")]
    [InlineData("QuarantineEvent", "eventId,source,occurredAt,type,sku,location,quantity")]
    [InlineData("ReleaseQuarantineEvent", "eventId,source,occurredAt,type,sku,location,quantity")]
    [InlineData("TransferOutEvent", "eventId,source,occurredAt,type,sku,location,quantity")]
    [InlineData("TransferInEvent", "eventId,source,occurredAt,type,sku,location,quantity")]
    [InlineData("PickEvent", "eventId,source,occurredAt,type,sku,location,quantity,orderId,lineId")]
    [InlineData("ShortPickEvent", "eventId,source,occurredAt,type,sku,location,missingQuantity,orderId,lineId")]
    [InlineData("ShipConfirmEvent", "eventId,source,occurredAt,type,shipmentId,orderId,location,lines")]
    [InlineData("ReturnReceivedEvent", "eventId,source,occurredAt,type,sku,location,quantity,returnId,orderId,disposition")]
    [InlineData("PoAcknowledgedEvent", "eventId,source,occurredAt,type,poId,lines")]
    [InlineData("AsnEvent", "eventId,source,occurredAt,type,asnId,poId,lines")]
    [InlineData("DelayEvent", "eventId,source,occurredAt,type,newEta")]
    [InlineData("ShipConfirmLine", "lineId,sku,quantity")]
    [InlineData("SupplyLine", "sku,location,quantity,eta")]
    [InlineData("DelayedLine", "sku,location")]
    public async Task Each_event_type_requires_the_fields_the_gateway_requires_of_it(string schema, string fields)
    {
        using var document = await DocumentAsync();

        var required = Required(Schema(document, $"#/components/schemas/{schema}"));

        Assert.Equal(fields.Split(',').Order(StringComparer.Ordinal), required.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Request_bodies_are_required_and_never_null()
    {
        using var document = await DocumentAsync();

        var bodies = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => (Operation: $"{o.Name} {p.Name}", o.Value)))
            .Where(o => o.Value.TryGetProperty("requestBody", out _))
            .Select(o => (o.Operation, Body: o.Value.GetProperty("requestBody")))
            .ToList();

        Assert.NotEmpty(bodies);
        foreach (var (operation, body) in bodies)
        {
            Assert.True(body.GetProperty("required").GetBoolean(), $"{operation}: the request body is not required");
            foreach (var media in body.GetProperty("content").EnumerateObject())
            {
                Assert.DoesNotContain("\"null\"", media.Value.GetProperty("schema").GetRawText(), StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task The_Orleans_dashboard_is_not_part_of_the_document()
    {
        using var document = await DocumentAsync();

        Assert.DoesNotContain(document.RootElement.GetProperty("paths").EnumerateObject(), p => p.Name.StartsWith("/dashboard", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_tag_has_a_description()
    {
        using var document = await DocumentAsync();

        var tags = document.RootElement.GetProperty("tags").EnumerateArray().ToList();
        Assert.NotEmpty(tags);
        Assert.All(tags, tag => Assert.False(string.IsNullOrWhiteSpace(tag.TryGetProperty("description", out var d) ? d.GetString() : null), tag.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task The_document_states_its_MIT_license()
    {
        using var document = await DocumentAsync();

        Assert.Equal("MIT", document.RootElement.GetProperty("info").GetProperty("license").GetProperty("identifier").GetString());
    }

    [Fact]
    public async Task The_server_URL_has_no_trailing_slash()
    {
        using var document = await DocumentAsync();

        var url = Assert.Single(document.RootElement.GetProperty("servers").EnumerateArray()).GetProperty("url").GetString();
        Assert.Equal("http://localhost", url);
    }

    private async Task<JsonDocument> DocumentAsync()
    {
        using var response = await _client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    /// <summary>The schema itself, following a <c>$ref</c> to its component.</summary>
    private static JsonElement Schema(JsonDocument document, JsonElement schema)
        => schema.TryGetProperty("$ref", out var reference) ? Schema(document, reference.GetString()!) : schema;

    private static JsonElement Schema(JsonDocument document, string reference)
        => document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty(reference["#/components/schemas/".Length..]);

    private static List<string> Required(JsonElement schema) => [.. schema.GetProperty("required").EnumerateArray().Select(r => r.GetString()!)];
}
