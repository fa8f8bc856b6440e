using System.Net;
using System.Text.Json;

namespace Grid.Tests.Gateway;

/// <summary>The OpenAPI document at <c>/openapi/v1.json</c>.</summary>
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
        using var response = await _client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains(path, paths);
    }
}
