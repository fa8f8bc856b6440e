using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace Grid.Tests.Gateway;

/// <summary>
/// Requests the gateway must refuse: each answers 400 Problem Details whose <c>errors</c> names the offending field,
/// and stores nothing.
/// </summary>
[Trait("Category", "Gateway")]
[Collection(GridApiCollection.Name)]
public sealed class BadInputTests(GridApiFactory factory)
{
    private const string ReservationsPath = "/api/v1/reservations";

    private readonly HttpClient _client = factory.CreateClient();

    // ------------------------------------------------------------------ reservation quantities

    [Fact]
    public async Task A_reservation_with_a_negative_quantity_is_refused_naming_quantity()
    {
        var (sku, id) = await StockedAsync();

        using var response = await _client.ReserveAsync(GridHttp.Reservation(sku, -5, id));

        await response.AssertBadRequestNamingAsync("quantity");
        await AssertNothingStoredAsync(sku, id);
    }

    [Fact]
    public async Task A_reservation_with_zero_quantity_is_refused_naming_quantity()
    {
        var (sku, id) = await StockedAsync();

        using var response = await _client.ReserveAsync(GridHttp.Reservation(sku, 0, id));

        await response.AssertBadRequestNamingAsync("quantity");
        await AssertNothingStoredAsync(sku, id);
    }

    [Fact]
    public async Task A_reservation_with_a_word_as_quantity_is_refused_naming_quantity()
    {
        var (sku, id) = await StockedAsync();

        using var response = await _client.PostRawJsonAsync(ReservationsPath, ReservationJson(sku, id, quantity: "\"ten\""));

        await response.AssertBadRequestNamingAsync("quantity");
        await AssertNothingStoredAsync(sku, id);
    }

    [Fact]
    public async Task A_reservation_with_a_quantity_given_as_a_string_is_refused_naming_quantity()
    {
        var (sku, id) = await StockedAsync();

        using var response = await _client.PostRawJsonAsync(ReservationsPath, ReservationJson(sku, id, quantity: "\"5\""));

        await response.AssertBadRequestNamingAsync("quantity");
        await AssertNothingStoredAsync(sku, id);
    }

    [Fact]
    public async Task A_reservation_with_a_fractional_quantity_is_refused_naming_quantity()
    {
        var (sku, id) = await StockedAsync();

        using var response = await _client.PostRawJsonAsync(ReservationsPath, ReservationJson(sku, id, quantity: "1.5"));

        await response.AssertBadRequestNamingAsync("quantity");
        await AssertNothingStoredAsync(sku, id);
    }

    [Fact]
    public async Task A_reservation_with_a_negative_ttlSeconds_is_refused_naming_ttlSeconds()
    {
        var (sku, id) = await StockedAsync();

        using var response = await _client.ReserveAsync(GridHttp.Reservation(sku, 1, id, ttlSeconds: -1));

        await response.AssertBadRequestNamingAsync("ttlSeconds");
        await AssertNothingStoredAsync(sku, id);
    }

    // ------------------------------------------------------------------ reservation identifiers

    [Fact]
    public async Task A_reservation_for_a_SKU_with_a_space_is_refused_naming_sku()
    {
        var (sku, id) = await StockedAsync();

        using var response = await _client.ReserveAsync(GridHttp.Reservation("BAD SKU", 1, id));

        await response.AssertBadRequestNamingAsync("sku");
        await AssertNothingStoredAsync(sku, id);
    }

    [Fact]
    public async Task A_reservation_for_a_SKU_with_a_slash_is_refused_naming_sku()
    {
        var (sku, id) = await StockedAsync();

        using var response = await _client.ReserveAsync(GridHttp.Reservation($"{sku}/X", 1, id));

        await response.AssertBadRequestNamingAsync("sku");
        await AssertNothingStoredAsync(sku, id);
    }

    [Fact]
    public async Task A_reservation_for_a_SKU_of_65_characters_is_refused_naming_sku()
    {
        var (sku, id) = await StockedAsync();
        var tooLong = new string('A', 65);

        using var response = await _client.ReserveAsync(GridHttp.Reservation(tooLong, 1, id));

        await response.AssertBadRequestNamingAsync("sku");
        await AssertNothingStoredAsync(sku, id);
    }

    [Fact]
    public async Task A_reservation_for_a_SKU_of_64_characters_is_accepted()
    {
        var sku = TestIds.New("SKU").PadRight(64, 'X');
        await _client.ReceiveAsync(sku, 5);

        var reservation = await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 1));

        Assert.Equal(1, reservation.GetProperty("quantity").GetInt64());
    }

    [Fact]
    public async Task A_reservation_for_a_location_with_a_space_is_refused_naming_location()
    {
        var (sku, id) = await StockedAsync();

        using var response = await _client.ReserveAsync(GridHttp.Reservation(sku, 1, id, location: "DC 1"));

        await response.AssertBadRequestNamingAsync("location");
        await AssertNothingStoredAsync(sku, id);
    }

    [Fact]
    public async Task A_reservation_without_reservationId_is_refused_naming_reservationId()
    {
        var (sku, _) = await StockedAsync();
        var request = GridHttp.Reservation(sku, 1);
        request.Remove("reservationId");

        using var response = await _client.ReserveAsync(request);

        await response.AssertBadRequestNamingAsync("reservationId");
        Assert.Equal(10, await _client.AvailableAsync(sku));
    }

    [Fact]
    public async Task A_reservation_without_channel_is_refused_naming_channel()
    {
        var (sku, id) = await StockedAsync();
        var request = GridHttp.Reservation(sku, 1, id);
        request.Remove("channel");

        using var response = await _client.ReserveAsync(request);

        await response.AssertBadRequestNamingAsync("channel");
        await AssertNothingStoredAsync(sku, id);
    }

    [Fact]
    public async Task A_reservation_missing_several_fields_names_each_of_them()
    {
        using var response = await _client.PostRawJsonAsync(ReservationsPath, """{"quantity":1}""");

        var problem = await response.AssertBadRequestNamingAsync("reservationId");
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("sku", out _));
        Assert.True(errors.TryGetProperty("location", out _));
        Assert.True(errors.TryGetProperty("channel", out _));
        Assert.False(errors.TryGetProperty("quantity", out _));
    }

    [Fact]
    public async Task A_reservation_id_longer_than_128_characters_is_refused_naming_reservationId()
    {
        var (sku, _) = await StockedAsync();

        using var response = await _client.ReserveAsync(GridHttp.Reservation(sku, 1, new string('r', 129)));

        await response.AssertBadRequestNamingAsync("reservationId");
        Assert.Equal(10, await _client.AvailableAsync(sku));
    }

    [Fact]
    public async Task A_reservation_with_ttlSeconds_beyond_a_whole_number_of_seconds_range_is_refused_naming_ttlSeconds()
    {
        var (sku, id) = await StockedAsync();

        using var response = await _client.PostRawJsonAsync(
            ReservationsPath,
            ReservationJson(sku, id, quantity: "1").Replace("}", ",\"ttlSeconds\":3000000000}", StringComparison.Ordinal));

        await response.AssertBadRequestNamingAsync("ttlSeconds");
        await AssertNothingStoredAsync(sku, id);
    }

    // ------------------------------------------------------------------ bodies that are not requests

    [Fact]
    public async Task A_reservation_whose_body_is_not_valid_JSON_is_refused_with_400_Problem_Details()
    {
        var (sku, id) = await StockedAsync();
        var truncated = ReservationJson(sku, id, quantity: "1")[..^10];

        using var response = await _client.PostRawJsonAsync(ReservationsPath, truncated);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.GetProperty("errors").EnumerateObject());
        await AssertNothingStoredAsync(sku, id);
    }

    [Fact]
    public async Task A_reservation_with_an_empty_body_is_refused_naming_body()
    {
        var (sku, _) = await StockedAsync();

        using var response = await _client.PostRawJsonAsync(ReservationsPath, "");

        await response.AssertBadRequestNamingAsync("body");
        Assert.Equal(10, await _client.AvailableAsync(sku));
    }

    [Fact]
    public async Task A_reservation_sent_as_plain_text_is_refused_with_415_Problem_Details_and_nothing_is_stored()
    {
        var (sku, id) = await StockedAsync();
        using var content = new StringContent(ReservationJson(sku, id, quantity: "1"), Encoding.UTF8, "text/plain");

        using var response = await _client.PostAsync(new Uri(ReservationsPath, UriKind.Relative), content);

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
        await AssertNothingStoredAsync(sku, id);
    }

    [Fact]
    public async Task A_warehouse_event_batch_with_an_empty_body_is_refused_naming_events()
    {
        using var response = await _client.PostRawJsonAsync("/api/v1/warehouse/events", "");

        await response.AssertBadRequestNamingAsync("events");
    }

    [Fact]
    public async Task Extending_without_a_body_is_refused_naming_ttlSeconds()
    {
        var (sku, id) = await StockedAsync();
        await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 1, id));

        using var response = await _client.PostAsync(new Uri($"{GridHttp.ReservationPath(sku, id)}/extend", UriKind.Relative), content: null);

        await response.AssertBadRequestNamingAsync("ttlSeconds");
    }

    [Fact]
    public async Task The_inventory_detail_of_a_key_with_a_SKU_of_65_characters_is_refused_naming_key()
    {
        using var response = await _client.GetAsync(new Uri($"/api/v1/inventory/{new string('A', 65)}@{GridHttp.Dc1}", UriKind.Relative));

        await response.AssertBadRequestNamingAsync("key");
    }

    [Fact]
    public async Task A_warehouse_event_batch_that_is_not_valid_JSON_is_refused_with_400_Problem_Details()
    {
        using var response = await _client.PostRawJsonAsync("/api/v1/warehouse/events", """{"events":[{"eventId":"E1",""");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.GetProperty("errors").EnumerateObject());
    }

    [Fact]
    public async Task A_policy_with_safetyStock_given_as_a_word_is_refused_naming_safetyStock()
    {
        var (sku, _) = await StockedAsync();

        using var content = new StringContent("""{"safetyStock":"lots"}""", Encoding.UTF8, "application/json");
        using var response = await _client.PutAsync(new Uri($"/api/v1/inventory/{sku}@{GridHttp.Dc1}/policy", UriKind.Relative), content);

        await response.AssertBadRequestNamingAsync("safetyStock");
        Assert.Equal(10, await _client.AvailableAsync(sku));
    }

    // ------------------------------------------------------------------ batch availability

    [Fact]
    public async Task A_batch_ATP_query_of_1001_items_is_refused_naming_items()
    {
        var items = Enumerable.Range(0, 1001).Select(_ => new { sku = TestIds.New("SKU") }).ToArray();

        using var response = await _client.PostAsJsonAsync("/api/v1/atp/query", new { items });

        await response.AssertBadRequestNamingAsync("items");
    }

    [Fact]
    public async Task A_batch_ATP_query_without_items_is_refused_naming_items()
    {
        using var response = await _client.PostRawJsonAsync("/api/v1/atp/query", """{"channel":"web"}""");

        await response.AssertBadRequestNamingAsync("items");
    }

    [Fact]
    public async Task A_batch_ATP_query_with_an_invalid_SKU_names_the_item()
    {
        using var response = await _client.PostAsJsonAsync("/api/v1/atp/query", new
        {
            items = new object[] { new { sku = TestIds.New("SKU") }, new { sku = "BAD SKU" } },
        });

        await response.AssertBadRequestNamingAsync("items[1].sku");
    }

    [Fact]
    public async Task A_batch_ATP_query_with_a_bad_date_is_refused_naming_date()
    {
        using var response = await _client.PostAsJsonAsync("/api/v1/atp/query", new
        {
            items = new object[] { new { sku = TestIds.New("SKU") } },
            date = "soon",
        });

        await response.AssertBadRequestNamingAsync("date");
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>A fresh SKU with 10 on hand at DC1, and a fresh reservation id.</summary>
    private async Task<(string Sku, string ReservationId)> StockedAsync()
    {
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 10);
        return (sku, TestIds.New("RES"));
    }

    /// <summary>Nothing held: the reservation id is unknown and the SKU still has all 10 available.</summary>
    private async Task AssertNothingStoredAsync(string sku, string reservationId)
    {
        await _client.AssertNoReservationAsync(sku, reservationId);
        Assert.Equal(10, await _client.AvailableAsync(sku));
    }

    private static string ReservationJson(string sku, string reservationId, string quantity)
        => $$"""{"reservationId":"{{reservationId}}","sku":"{{sku}}","location":"{{GridHttp.Dc1}}","quantity":{{quantity}},"channel":"web"}""";
}
