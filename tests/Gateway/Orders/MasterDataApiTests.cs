using System.Net;
using System.Net.Http.Json;

namespace Grid.Tests.Gateway.Orders;

/// <summary><c>/api/v1/locations</c> and <c>/api/v1/shipments</c>: master data and carrier milestones.</summary>
[Trait("Category", "Gateway")]
[Collection(GridApiCollection.Name)]
public sealed class MasterDataApiTests(GridApiFactory factory)
{
    private readonly OrderWorld _w = new(factory.CreateClient());

    [Fact]
    public async Task Locations_serving_a_region_are_listed_in_sourcing_order()
    {
        await _w.AddLocationAsync(_w.Location("B"), 2);
        await _w.AddLocationAsync(_w.Location("A"), 1);
        using var put = await _w.Client.PutAsJsonAsync($"/api/v1/locations/{_w.Location("S")}", new { name = "Store", type = "store", regions = new[] { _w.Region }, priority = 3 });
        Assert.Equal("store", (await put.ReadJsonAsync()).GetProperty("type").GetString());

        using var response = await _w.Client.GetAsync(new Uri($"/api/v1/locations?region={_w.Region}", UriKind.Relative));

        var locations = (await response.ReadJsonAsync()).GetProperty("locations");
        Assert.Equal([_w.Location("A"), _w.Location("B"), _w.Location("S")], locations.Strings("location"));
    }

    [Theory]
    [InlineData("type", """{"name":"x","type":"warehouse","regions":["east"],"priority":1}""")]
    [InlineData("regions", """{"name":"x","type":"dc","regions":[],"priority":1}""")]
    [InlineData("priority", """{"name":"x","type":"dc","regions":["east"]}""")]
    [InlineData("name", """{"type":"dc","regions":["east"],"priority":1}""")]
    public async Task A_bad_location_answers_400_naming_the_field(string field, string body)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await _w.Client.PutAsync(new Uri($"/api/v1/locations/{_w.Location("X")}", UriKind.Relative), content);

        await response.AssertBadRequestNamingAsync(field);
    }

    [Fact]
    public async Task A_milestone_of_an_unknown_type_answers_400_naming_it_and_an_unknown_shipment_404()
    {
        using var bad = await _w.Client.PostAsJsonAsync($"/api/v1/shipments/{_w.Id("S")}/milestones", new { eventId = "m1", type = "teleported", occurredAt = DateTimeOffset.UtcNow });
        await bad.AssertBadRequestNamingAsync("type");

        using var unknown = await _w.Client.GetAsync(new Uri($"/api/v1/shipments/{_w.Id("S")}", UriKind.Relative));
        await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_milestone_arriving_before_the_ship_confirm_is_kept_and_the_same_milestone_twice_is_recorded_once()
    {
        var shipmentId = _w.Id("S");
        var milestone = new { eventId = "m1", type = "dispatched", occurredAt = DateTimeOffset.UtcNow };
        using (await _w.Client.PostAsJsonAsync($"/api/v1/shipments/{shipmentId}/milestones", milestone))
        {
        }

        using var again = await _w.Client.PostAsJsonAsync($"/api/v1/shipments/{shipmentId}/milestones", milestone);

        var shipment = await again.ReadJsonAsync();
        Assert.Equal("dispatched", shipment.GetProperty("status").GetString());
        Assert.Equal(1, shipment.GetProperty("milestones").GetArrayLength());
    }
}
