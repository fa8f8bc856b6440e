using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Grid.Tests.Gateway;

/// <summary><c>GET /api/v1/atp/{sku}</c> and <c>POST /api/v1/atp/query</c>.</summary>
[Trait("Category", "Gateway")]
[Collection(GridApiCollection.Name)]
public sealed class AvailabilityApiTests(GridApiFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Stock_received_then_reserved_shows_in_network_ATP_with_its_location_breakdown()
    {
        var sku = TestIds.New("SKU");
        var occurredAt = DateTimeOffset.UtcNow.AddMinutes(-5);
        var received = await _client.SendEventsAsync(GridHttp.Receipt(sku, 100, occurredAt: occurredAt));
        Assert.Equal(1, received.GetProperty("accepted").GetInt32());

        var atp = await _client.GetAtpAsync(sku);
        Assert.Equal(sku, atp.GetProperty("sku").GetString());
        Assert.Equal(100, atp.GetProperty("available").GetInt64());
        var location = Assert.Single(atp.GetProperty("locations").EnumerateArray());
        Assert.Equal(GridHttp.Dc1, location.GetProperty("location").GetString());
        Assert.Equal(100, location.GetProperty("available").GetInt64());
        Assert.Equal(100, location.GetProperty("onHand").GetInt64());
        Assert.Equal(0, location.GetProperty("reserved").GetInt64());
        Assert.Equal(0, location.GetProperty("allocated").GetInt64());
        Assert.Equal(0, location.GetProperty("safetyStock").GetInt64());
        Assert.Empty(location.GetProperty("inbound").EnumerateArray());
        Assert.Equal(JsonValueKind.String, location.GetProperty("asOf").ValueKind);
        Assert.Equal(occurredAt, location.GetProperty("lastWarehouseEventAt").GetDateTimeOffset());
        Assert.False(location.GetProperty("stale").GetBoolean());
        Assert.Equal(JsonValueKind.String, atp.GetProperty("asOf").ValueKind);

        await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 30));

        var after = await _client.GetAtpAsync(sku);
        Assert.Equal(70, after.GetProperty("available").GetInt64());
        var afterLocation = Assert.Single(after.GetProperty("locations").EnumerateArray());
        Assert.Equal(70, afterLocation.GetProperty("available").GetInt64());
        Assert.Equal(100, afterLocation.GetProperty("onHand").GetInt64());
        Assert.Equal(30, afterLocation.GetProperty("reserved").GetInt64());
    }

    [Fact]
    public async Task An_unknown_SKU_is_not_an_error_but_has_nothing_available_and_no_locations()
    {
        var sku = TestIds.New("SKU");

        using var response = await _client.GetAsync(new Uri($"/api/v1/atp/{sku}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var atp = await response.ReadJsonAsync();
        Assert.Equal(sku, atp.GetProperty("sku").GetString());
        Assert.Equal(0, atp.GetProperty("available").GetInt64());
        Assert.Empty(atp.GetProperty("locations").EnumerateArray());
    }

    [Fact]
    public async Task Network_ATP_sums_every_location_of_the_SKU()
    {
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 100, GridHttp.Dc1);
        await _client.ReceiveAsync(sku, 50, GridHttp.Dc2);

        var atp = await _client.GetAtpAsync(sku);

        Assert.Equal(150, atp.GetProperty("available").GetInt64());
        Assert.Equal(new[] { GridHttp.Dc1, GridHttp.Dc2 }, atp.GetProperty("locations").Strings("location").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_locations_parameter_restricts_ATP_to_the_locations_named()
    {
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 100, GridHttp.Dc1);
        await _client.ReceiveAsync(sku, 50, GridHttp.Dc2);

        var atp = await _client.GetAtpAsync(sku, $"?locations={GridHttp.Dc2}");

        Assert.Equal(50, atp.GetProperty("available").GetInt64());
        var location = Assert.Single(atp.GetProperty("locations").EnumerateArray());
        Assert.Equal(GridHttp.Dc2, location.GetProperty("location").GetString());
    }

    [Fact]
    public async Task The_channel_parameter_applies_ring_fences_so_other_channels_cannot_see_fenced_stock()
    {
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 100);
        using var policy = await _client.PutPolicyAsync(sku, new { safetyStock = 0, ringFences = new Dictionary<string, long> { ["web"] = 10 } });
        Assert.Equal(HttpStatusCode.OK, policy.StatusCode);

        Assert.Equal(100, await _client.AvailableAsync(sku, "?channel=web"));
        Assert.Equal(90, await _client.AvailableAsync(sku, "?channel=store"));
    }

    [Fact]
    public async Task A_batch_query_answers_each_SKU_in_the_order_asked()
    {
        var first = TestIds.New("SKU");
        var second = TestIds.New("SKU");
        await _client.ReceiveAsync(first, 100);
        await _client.ReceiveAsync(second, 5, GridHttp.Dc1);
        await _client.ReceiveAsync(second, 7, GridHttp.Dc2);

        using var response = await _client.PostAsJsonAsync("/api/v1/atp/query", new
        {
            items = new object[] { new { sku = first }, new { sku = second, locations = new[] { GridHttp.Dc2 } } },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = (await response.ReadJsonAsync()).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.Equal(first, items[0].GetProperty("sku").GetString());
        Assert.Equal(100, items[0].GetProperty("available").GetInt64());
        Assert.Equal(second, items[1].GetProperty("sku").GetString());
        Assert.Equal(7, items[1].GetProperty("available").GetInt64());
        Assert.Equal(GridHttp.Dc2, Assert.Single(items[1].GetProperty("locations").EnumerateArray()).GetProperty("location").GetString());
    }

    [Fact]
    public async Task A_batch_query_answers_an_unknown_SKU_with_nothing_available()
    {
        var sku = TestIds.New("SKU");

        using var response = await _client.PostAsJsonAsync("/api/v1/atp/query", new { items = new[] { new { sku } } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var item = Assert.Single((await response.ReadJsonAsync()).GetProperty("items").EnumerateArray());
        Assert.Equal(sku, item.GetProperty("sku").GetString());
        Assert.Equal(0, item.GetProperty("available").GetInt64());
        Assert.Empty(item.GetProperty("locations").EnumerateArray());
    }

    [Fact]
    public async Task A_batch_query_applies_the_channel_ring_fences()
    {
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 100);
        using (var policy = await _client.PutPolicyAsync(sku, new { safetyStock = 0, ringFences = new Dictionary<string, long> { ["web"] = 10 } }))
        {
            Assert.Equal(HttpStatusCode.OK, policy.StatusCode);
        }

        using var response = await _client.PostAsJsonAsync("/api/v1/atp/query", new { items = new[] { new { sku } }, channel = "store" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var item = Assert.Single((await response.ReadJsonAsync()).GetProperty("items").EnumerateArray());
        Assert.Equal(90, item.GetProperty("available").GetInt64());
    }

    [Fact]
    public async Task Reservations_by_the_fenced_channel_use_up_its_fence_first()
    {
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 100);
        using (var policy = await _client.PutPolicyAsync(sku, new { safetyStock = 0, ringFences = new Dictionary<string, long> { ["web"] = 10 } }))
        {
            Assert.Equal(HttpStatusCode.OK, policy.StatusCode);
        }

        await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 4, channel: "web"));

        Assert.Equal(96, await _client.AvailableAsync(sku, "?channel=web"));
        Assert.Equal(90, await _client.AvailableAsync(sku, "?channel=store"));
    }

    [Fact]
    public async Task A_location_with_negative_on_hand_counts_as_zero_in_network_ATP()
    {
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 10, GridHttp.Dc1);
        await _client.ReceiveAsync(sku, 5, GridHttp.Dc2);
        await _client.SendEventsAsync(GridHttp.Event("transferOut", sku, GridHttp.Dc2, null, null, ("quantity", 8)));

        var atp = await _client.GetAtpAsync(sku);

        Assert.Equal(10, atp.GetProperty("available").GetInt64());
        var dc2 = atp.GetProperty("locations").EnumerateArray().Single(l => l.GetProperty("location").GetString() == GridHttp.Dc2);
        Assert.Equal(-3, dc2.GetProperty("onHand").GetInt64());
        Assert.Equal(0, dc2.GetProperty("available").GetInt64());
    }

    [Fact]
    public async Task A_location_not_heard_from_by_the_warehouse_for_over_a_day_is_flagged_stale()
    {
        var sku = TestIds.New("SKU");
        var occurredAt = DateTimeOffset.UtcNow.AddDays(-2);
        await _client.SendEventsAsync(GridHttp.Receipt(sku, 10, occurredAt: occurredAt));

        var location = Assert.Single((await _client.GetAtpAsync(sku)).GetProperty("locations").EnumerateArray());

        Assert.True(location.GetProperty("stale").GetBoolean());
        Assert.Equal(occurredAt, location.GetProperty("lastWarehouseEventAt").GetDateTimeOffset());
        Assert.Equal(10, location.GetProperty("available").GetInt64());
    }

    [Fact]
    public async Task A_date_that_is_not_a_date_is_refused_with_400_naming_date()
    {
        var sku = TestIds.New("SKU");

        using var response = await _client.GetAsync(new Uri($"/api/v1/atp/{sku}?date=next-tuesday", UriKind.Relative));

        await response.AssertBadRequestNamingAsync("date");
    }

    [Fact]
    public async Task A_day_as_date_is_accepted()
    {
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 12);

        Assert.Equal(12, await _client.AvailableAsync(sku, "?date=2026-12-01"));
    }

    [Fact]
    public async Task An_invalid_location_in_the_locations_parameter_is_refused_with_400_naming_locations()
    {
        var sku = TestIds.New("SKU");

        using var response = await _client.GetAsync(new Uri($"/api/v1/atp/{sku}?locations=DC1,bad%20loc", UriKind.Relative));

        await response.AssertBadRequestNamingAsync("locations");
    }

    [Fact]
    public async Task A_SKU_with_a_space_in_the_path_is_refused_with_400_naming_sku()
    {
        using var response = await _client.GetAsync(new Uri("/api/v1/atp/BAD%20SKU", UriKind.Relative));

        await response.AssertBadRequestNamingAsync("sku");
    }

    [Fact]
    public async Task A_SKU_with_a_slash_in_the_path_is_refused_with_400_naming_sku()
    {
        using var response = await _client.GetAsync(new Uri("/api/v1/atp/BAD%2FSKU", UriKind.Relative));

        await response.AssertBadRequestNamingAsync("sku");
    }

    [Fact]
    public async Task A_SKU_of_65_characters_in_the_path_is_refused_with_400_naming_sku()
    {
        using var response = await _client.GetAsync(new Uri($"/api/v1/atp/{new string('A', 65)}", UriKind.Relative));

        await response.AssertBadRequestNamingAsync("sku");
    }
}
