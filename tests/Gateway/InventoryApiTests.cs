using System.Net;
using System.Text.Json;

namespace Grid.Tests.Gateway;

/// <summary><c>GET /api/v1/inventory/{sku}@{location}</c> and <c>PUT .../policy</c>.</summary>
[Trait("Category", "Gateway")]
[Collection(GridApiCollection.Name)]
public sealed class InventoryApiTests(GridApiFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    // ------------------------------------------------------------------ detail

    [Fact]
    public async Task The_inventory_detail_explains_ATP_with_buckets_reservations_and_movements()
    {
        var sku = TestIds.New("SKU");
        var eventId = TestIds.New("EV");
        var reservationId = TestIds.New("RES");
        await _client.SendEventsAsync(GridHttp.Receipt(sku, 100, eventId: eventId));
        var reservation = await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 30, reservationId, channel: "web"));

        var detail = await _client.GetInventoryAsync(sku);

        Assert.Equal(sku, detail.GetProperty("sku").GetString());
        Assert.Equal(GridHttp.Dc1, detail.GetProperty("location").GetString());
        Assert.Equal(70, detail.GetProperty("available").GetInt64());
        Assert.Equal(100, detail.GetProperty("onHand").GetInt64());
        Assert.Equal(0, detail.GetProperty("damaged").GetInt64());
        Assert.Equal(0, detail.GetProperty("quarantine").GetInt64());
        Assert.Equal(0, detail.GetProperty("safetyStock").GetInt64());
        Assert.Equal(30, detail.GetProperty("reserved").GetInt64());
        Assert.Equal(0, detail.GetProperty("allocated").GetInt64());
        Assert.Empty(detail.GetProperty("allocations").EnumerateArray());
        Assert.Empty(detail.GetProperty("inbound").EnumerateArray());

        var held = Assert.Single(detail.GetProperty("reservations").EnumerateArray());
        Assert.Equal(reservationId, held.GetProperty("reservationId").GetString());
        Assert.Equal(30, held.GetProperty("quantity").GetInt64());
        Assert.Equal("web", held.GetProperty("channel").GetString());
        Assert.Equal(reservation.GetProperty("expiresAt").GetDateTimeOffset(), held.GetProperty("expiresAt").GetDateTimeOffset());

        var movement = Assert.Single(detail.GetProperty("recentMovements").EnumerateArray());
        Assert.Equal("receipt", movement.GetProperty("type").GetString());
        Assert.Equal(100, movement.GetProperty("quantity").GetInt64());
        Assert.Equal(GridHttp.Source, movement.GetProperty("source").GetString());
        Assert.Equal(eventId, movement.GetProperty("eventId").GetString());
        Assert.Equal(JsonValueKind.String, movement.GetProperty("occurredAt").ValueKind);
        Assert.Equal(JsonValueKind.String, movement.GetProperty("appliedAt").ValueKind);
        Assert.False(movement.GetProperty("flagged").GetBoolean());

        Assert.Empty(detail.GetProperty("invariantViolations").EnumerateArray());
        Assert.False(detail.GetProperty("stale").GetBoolean());
    }

    [Fact]
    public async Task The_inventory_detail_lists_the_newest_movement_first()
    {
        var sku = TestIds.New("SKU");
        var first = TestIds.New("EV");
        var second = TestIds.New("EV");
        await _client.SendEventsAsync(GridHttp.Receipt(sku, 10, eventId: first));
        await _client.SendEventsAsync(GridHttp.Receipt(sku, 5, eventId: second));

        var detail = await _client.GetInventoryAsync(sku);

        Assert.Equal(new[] { second, first }, detail.GetProperty("recentMovements").Strings("eventId"));
        Assert.Equal(15, detail.GetProperty("onHand").GetInt64());
    }

    [Fact]
    public async Task A_transfer_out_larger_than_on_hand_is_applied_as_reported_flagged_and_listed_as_an_invariant_violation()
    {
        var sku = TestIds.New("SKU");
        var transferId = TestIds.New("EV");
        await _client.ReceiveAsync(sku, 10);

        var result = await _client.SendEventsAsync(
            GridHttp.Event("transferOut", sku, GridHttp.Dc1, transferId, null, ("quantity", 15)));

        Assert.Equal(1, result.GetProperty("accepted").GetInt32());
        Assert.Empty(result.GetProperty("rejected").EnumerateArray());

        var detail = await _client.GetInventoryAsync(sku);
        Assert.Equal(-5, detail.GetProperty("onHand").GetInt64());
        Assert.Equal(0, detail.GetProperty("available").GetInt64());
        Assert.Equal(-5, detail.GetProperty("availableRaw").GetInt64());

        var movement = detail.GetProperty("recentMovements").EnumerateArray().First();
        Assert.Equal(transferId, movement.GetProperty("eventId").GetString());
        Assert.Equal("transferOut", movement.GetProperty("type").GetString());
        Assert.Equal(15, movement.GetProperty("quantity").GetInt64());
        Assert.True(movement.GetProperty("flagged").GetBoolean());

        var violation = Assert.Single(
            detail.GetProperty("invariantViolations").EnumerateArray(),
            v => v.GetProperty("rule").GetString() == "negative-on-hand");
        Assert.Equal(transferId, violation.GetProperty("eventId").GetString());
        Assert.Contains("-5", violation.GetProperty("detail").GetString(), StringComparison.Ordinal);

        Assert.Equal(0, await _client.AvailableAsync(sku));
    }

    [Fact]
    public async Task On_hand_going_negative_with_nothing_reserved_or_allocated_reports_no_uncovered_commitments()
    {
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 10);

        await _client.SendEventsAsync(GridHttp.Event("transferOut", sku, GridHttp.Dc1, null, null, ("quantity", 15)));

        var detail = await _client.GetInventoryAsync(sku);
        Assert.Equal(0, detail.GetProperty("reserved").GetInt64());
        Assert.Equal(0, detail.GetProperty("allocated").GetInt64());
        var violation = Assert.Single(detail.GetProperty("invariantViolations").EnumerateArray());
        Assert.Equal("negative-on-hand", violation.GetProperty("rule").GetString());
    }

    [Fact]
    public async Task Stock_lost_under_a_reservation_is_listed_as_commitments_exceeding_stock()
    {
        var sku = TestIds.New("SKU");
        var lossId = TestIds.New("EV");
        await _client.ReceiveAsync(sku, 10);
        await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 8));

        await _client.SendEventsAsync(GridHttp.Event("damage", sku, GridHttp.Dc1, lossId, null, ("quantity", 5)));

        var detail = await _client.GetInventoryAsync(sku);
        Assert.Equal(8, detail.GetProperty("reserved").GetInt64());
        var violation = Assert.Single(detail.GetProperty("invariantViolations").EnumerateArray());
        Assert.Equal("commitments-exceed-stock", violation.GetProperty("rule").GetString());
        Assert.Equal(lossId, violation.GetProperty("eventId").GetString());
        Assert.Equal(0, await _client.AvailableAsync(sku));
    }

    [Fact]
    public async Task The_inventory_detail_of_a_SKU_location_never_seen_is_empty()
    {
        var detail = await _client.GetInventoryAsync(TestIds.New("SKU"));

        Assert.Equal(0, detail.GetProperty("onHand").GetInt64());
        Assert.Equal(0, detail.GetProperty("available").GetInt64());
        Assert.Empty(detail.GetProperty("recentMovements").EnumerateArray());
        Assert.Empty(detail.GetProperty("reservations").EnumerateArray());
        Assert.Empty(detail.GetProperty("invariantViolations").EnumerateArray());
    }

    [Fact]
    public async Task The_inventory_detail_with_a_key_without_an_at_sign_is_refused_with_400_naming_key()
    {
        using var response = await _client.GetAsync(new Uri($"/api/v1/inventory/{TestIds.New("SKU")}", UriKind.Relative));

        await response.AssertBadRequestNamingAsync("key");
    }

    // ------------------------------------------------------------------ policy

    [Fact]
    public async Task Safety_stock_is_held_back_from_ATP()
    {
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 100);

        using var response = await _client.PutPolicyAsync(sku, new { safetyStock = 20 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var location = await response.ReadJsonAsync();
        Assert.Equal(80, location.GetProperty("available").GetInt64());
        Assert.Equal(20, location.GetProperty("safetyStock").GetInt64());
        var atp = await _client.GetAtpAsync(sku);
        Assert.Equal(80, atp.GetProperty("available").GetInt64());
        Assert.Equal(20, Assert.Single(atp.GetProperty("locations").EnumerateArray()).GetProperty("safetyStock").GetInt64());
    }

    [Fact]
    public async Task A_negative_safety_stock_is_refused_with_400_naming_safetyStock_and_nothing_is_stored()
    {
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 100);

        using var response = await _client.PutPolicyAsync(sku, new { safetyStock = -5 });

        await response.AssertBadRequestNamingAsync("safetyStock");
        var atp = await _client.GetAtpAsync(sku);
        Assert.Equal(100, atp.GetProperty("available").GetInt64());
        Assert.Equal(0, Assert.Single(atp.GetProperty("locations").EnumerateArray()).GetProperty("safetyStock").GetInt64());
    }

    [Fact]
    public async Task A_policy_without_safetyStock_is_refused_with_400_naming_safetyStock()
    {
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 100);

        using var response = await _client.PutPolicyAsync(sku, new { ringFences = new Dictionary<string, long> { ["web"] = 10 } });

        await response.AssertBadRequestNamingAsync("safetyStock");
        Assert.Equal(100, await _client.AvailableAsync(sku));
    }

    [Fact]
    public async Task A_negative_ring_fence_is_refused_with_400_naming_the_channel_and_nothing_is_stored()
    {
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 100);

        using var response = await _client.PutPolicyAsync(sku, new { safetyStock = 10, ringFences = new Dictionary<string, long> { ["web"] = -1 } });

        await response.AssertBadRequestNamingAsync("ringFences.web");
        Assert.Equal(100, await _client.AvailableAsync(sku));
    }

    [Fact]
    public async Task A_ring_fence_holds_stock_for_its_channel_when_other_channels_reserve()
    {
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 100);
        using (var policy = await _client.PutPolicyAsync(sku, new { safetyStock = 0, ringFences = new Dictionary<string, long> { ["web"] = 10 } }))
        {
            Assert.Equal(HttpStatusCode.OK, policy.StatusCode);
        }

        using var refused = await _client.ReserveAsync(GridHttp.Reservation(sku, 91, channel: "store"));
        var problem = await refused.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(90, problem.GetProperty("available").GetInt64());

        var web = await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 100, channel: "web"));
        Assert.Equal(100, web.GetProperty("quantity").GetInt64());
    }
}
