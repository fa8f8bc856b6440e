using System.Net;
using System.Text.Json;

namespace Grid.Tests.Gateway;

/// <summary><c>/api/v1/reservations</c>: create, read, commit, release, extend.</summary>
[Trait("Category", "Gateway")]
[Collection(GridApiCollection.Name)]
public sealed class ReservationsApiTests(GridApiFactory factory)
{
    private static readonly TimeSpan ClockSlack = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxTtl = TimeSpan.FromDays(1);

    private readonly HttpClient _client = factory.CreateClient();

    // ------------------------------------------------------------------ create

    [Fact]
    public async Task A_reservation_within_ATP_is_created_with_201_a_Location_header_and_the_reservation()
    {
        var sku = TestIds.New("SKU");
        var id = TestIds.New("RES");
        await _client.ReceiveAsync(sku, 100);
        var before = DateTimeOffset.UtcNow;

        using var response = await _client.ReserveAsync(GridHttp.Reservation(sku, 30, id, ttlSeconds: 600));

        var after = DateTimeOffset.UtcNow;
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.NotNull(response.Headers.Location);
        Assert.Equal($"/api/v1/reservations/{sku}%40{GridHttp.Dc1}/{id}", response.Headers.Location.OriginalString);
        var body = await response.ReadJsonAsync();
        Assert.Equal(id, body.GetProperty("reservationId").GetString());
        Assert.Equal("active", body.GetProperty("status").GetString());
        Assert.Equal(30, body.GetProperty("quantity").GetInt64());
        var expiresAt = body.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expiresAt, before.AddSeconds(600) - ClockSlack, after.AddSeconds(600) + ClockSlack);
    }

    [Fact]
    public async Task The_Location_header_of_a_new_reservation_leads_to_it()
    {
        var sku = TestIds.New("SKU");
        var id = TestIds.New("RES");
        await _client.ReceiveAsync(sku, 10);
        using var created = await _client.ReserveAsync(GridHttp.Reservation(sku, 4, id));
        Assert.NotNull(created.Headers.Location);

        using var response = await _client.GetAsync(created.Headers.Location);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reservation = await response.ReadJsonAsync();
        Assert.Equal(id, reservation.GetProperty("reservationId").GetString());
        Assert.Equal(4, reservation.GetProperty("quantity").GetInt64());
    }

    [Fact]
    public async Task The_same_reservation_request_sent_again_answers_201_with_the_same_body_and_holds_stock_once()
    {
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 100);
        var request = GridHttp.Reservation(sku, 30, ttlSeconds: 900);

        var first = await _client.ReserveCreatedAsync(request);
        var second = await _client.ReserveCreatedAsync(request);

        Assert.True(JsonElement.DeepEquals(first, second), $"First answer {first}, replay {second}.");
        Assert.Equal(70, await _client.AvailableAsync(sku));
    }

    [Fact]
    public async Task The_same_reservation_id_with_a_different_quantity_is_refused_with_422_and_the_first_stands()
    {
        var sku = TestIds.New("SKU");
        var id = TestIds.New("RES");
        await _client.ReceiveAsync(sku, 100);
        await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 30, id));

        using var response = await _client.ReserveAsync(GridHttp.Reservation(sku, 31, id));

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(id, problem.GetProperty("reservationId").GetString());
        using var stored = await _client.GetReservationAsync(sku, id);
        Assert.Equal(30, (await stored.ReadJsonAsync()).GetProperty("quantity").GetInt64());
        Assert.Equal(70, await _client.AvailableAsync(sku));
    }

    [Fact]
    public async Task A_reservation_for_more_than_is_available_is_refused_with_409_and_the_available_quantity()
    {
        var sku = TestIds.New("SKU");
        var id = TestIds.New("RES");
        await _client.ReceiveAsync(sku, 10);

        using var response = await _client.ReserveAsync(GridHttp.Reservation(sku, 25, id));

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(10, problem.GetProperty("available").GetInt64());
        await _client.AssertNoReservationAsync(sku, id);
        Assert.Equal(10, await _client.AvailableAsync(sku));
    }

    [Fact]
    public async Task A_reservation_for_a_SKU_with_no_stock_is_refused_with_409_and_zero_available()
    {
        var sku = TestIds.New("SKU");

        using var response = await _client.ReserveAsync(GridHttp.Reservation(sku, 1));

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(0, problem.GetProperty("available").GetInt64());
    }

    [Fact]
    public async Task A_partial_reservation_is_granted_what_is_available()
    {
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 10);

        var reservation = await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 25, allowPartial: true));

        Assert.Equal("active", reservation.GetProperty("status").GetString());
        Assert.Equal(10, reservation.GetProperty("quantity").GetInt64());
        Assert.Equal(0, await _client.AvailableAsync(sku));
    }

    [Fact]
    public async Task A_reservation_asking_for_more_than_the_maximum_TTL_expires_at_the_maximum()
    {
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 10);
        var before = DateTimeOffset.UtcNow;

        var reservation = await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 1, ttlSeconds: (int)TimeSpan.FromDays(10).TotalSeconds));

        var after = DateTimeOffset.UtcNow;
        Assert.InRange(reservation.GetProperty("expiresAt").GetDateTimeOffset(), before + MaxTtl - ClockSlack, after + MaxTtl);
    }

    [Fact]
    public async Task A_replayed_reservation_is_answered_the_same_even_when_nothing_more_is_available()
    {
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 30);
        var request = GridHttp.Reservation(sku, 30);
        var first = await _client.ReserveCreatedAsync(request);

        var replay = await _client.ReserveCreatedAsync(request);

        Assert.True(JsonElement.DeepEquals(first, replay), $"First answer {first}, replay {replay}.");
        Assert.Equal(0, await _client.AvailableAsync(sku));
    }

    [Fact]
    public async Task A_reservation_without_ttlSeconds_expires_after_the_default_of_15_minutes()
    {
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 10);
        var before = DateTimeOffset.UtcNow;

        var reservation = await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 1));

        var after = DateTimeOffset.UtcNow;
        Assert.InRange(reservation.GetProperty("expiresAt").GetDateTimeOffset(), before.AddMinutes(15) - ClockSlack, after.AddMinutes(15) + ClockSlack);
    }

    // ------------------------------------------------------------------ read

    [Fact]
    public async Task A_reservation_can_be_read_by_SKU_location_and_id()
    {
        var sku = TestIds.New("SKU");
        var id = TestIds.New("RES");
        await _client.ReceiveAsync(sku, 10);
        var created = await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 3, id, channel: "store"));

        using var response = await _client.GetReservationAsync(sku, id);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reservation = await response.ReadJsonAsync();
        Assert.Equal(id, reservation.GetProperty("reservationId").GetString());
        Assert.Equal(sku, reservation.GetProperty("sku").GetString());
        Assert.Equal(GridHttp.Dc1, reservation.GetProperty("location").GetString());
        Assert.Equal("active", reservation.GetProperty("status").GetString());
        Assert.Equal(3, reservation.GetProperty("quantity").GetInt64());
        Assert.Equal("store", reservation.GetProperty("channel").GetString());
        Assert.Equal(created.GetProperty("expiresAt").GetDateTimeOffset(), reservation.GetProperty("expiresAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task An_unknown_reservation_is_404_Problem_Details()
    {
        var sku = TestIds.New("SKU");

        using var response = await _client.GetReservationAsync(sku, TestIds.New("RES"));

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Releasing_an_unknown_reservation_is_404_Problem_Details()
    {
        var sku = TestIds.New("SKU");

        using var response = await _client.ReleaseAsync(sku, TestIds.New("RES"));

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_key_without_an_at_sign_is_refused_with_400_naming_key()
    {
        using var response = await _client.GetAsync(new Uri($"/api/v1/reservations/{TestIds.New("SKU")}/{TestIds.New("RES")}", UriKind.Relative));

        await response.AssertBadRequestNamingAsync("key");
    }

    [Fact]
    public async Task A_key_with_characters_outside_the_SKU_alphabet_is_refused_with_400_naming_key()
    {
        using var response = await _client.GetAsync(new Uri($"/api/v1/reservations/BAD!SKU@{GridHttp.Dc1}/{TestIds.New("RES")}", UriKind.Relative));

        await response.AssertBadRequestNamingAsync("key");
    }

    [Fact]
    public async Task Releasing_with_a_bad_key_is_refused_with_400_naming_key()
    {
        using var response = await _client.DeleteAsync(new Uri($"/api/v1/reservations/{TestIds.New("SKU")}@bad%20loc/{TestIds.New("RES")}", UriKind.Relative));

        await response.AssertBadRequestNamingAsync("key");
    }

    // ------------------------------------------------------------------ commit

    [Fact]
    public async Task Committing_a_reservation_to_an_order_allocates_its_stock_to_that_order()
    {
        var sku = TestIds.New("SKU");
        var id = TestIds.New("RES");
        var orderId = TestIds.New("ORD");
        await _client.ReceiveAsync(sku, 100);
        await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 30, id));
        await _client.SubmitOrderTakingAsync(orderId, sku, 30, id);

        using var response = await _client.CommitAsync(sku, id, new { orderId });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var committed = await response.ReadJsonAsync();
        Assert.Equal("committed", committed.GetProperty("status").GetString());
        Assert.Equal(orderId, committed.GetProperty("orderId").GetString());
        Assert.Equal(30, committed.GetProperty("quantity").GetInt64());

        var detail = await _client.GetInventoryAsync(sku);
        Assert.Equal(0, detail.GetProperty("reserved").GetInt64());
        Assert.Equal(30, detail.GetProperty("allocated").GetInt64());
        Assert.Empty(detail.GetProperty("reservations").EnumerateArray());
        var allocation = Assert.Single(detail.GetProperty("allocations").EnumerateArray());
        Assert.Equal(orderId, allocation.GetProperty("orderId").GetString());
        Assert.Equal(30, allocation.GetProperty("quantity").GetInt64());
        Assert.Equal(70, await _client.AvailableAsync(sku));
    }

    [Fact]
    public async Task Committing_a_reservation_made_for_an_order_needs_no_body()
    {
        var sku = TestIds.New("SKU");
        var id = TestIds.New("RES");
        var orderId = TestIds.New("ORD");
        await _client.ReceiveAsync(sku, 10);
        await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 2, id, orderId: orderId));
        await _client.SubmitOrderTakingAsync(orderId, sku, 2, id);

        using var response = await _client.PostAsync(new Uri($"{GridHttp.ReservationPath(sku, id)}/commit", UriKind.Relative), content: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var committed = await response.ReadJsonAsync();
        Assert.Equal("committed", committed.GetProperty("status").GetString());
        Assert.Equal(orderId, committed.GetProperty("orderId").GetString());
    }

    [Fact]
    public async Task Committing_a_reservation_twice_to_the_same_order_answers_the_same_and_allocates_once()
    {
        var sku = TestIds.New("SKU");
        var id = TestIds.New("RES");
        var orderId = TestIds.New("ORD");
        await _client.ReceiveAsync(sku, 10);
        await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 4, id));
        await _client.SubmitOrderTakingAsync(orderId, sku, 4, id);

        using var first = await _client.CommitAsync(sku, id, new { orderId });
        using var second = await _client.CommitAsync(sku, id, new { orderId });

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var firstBody = await first.ReadJsonAsync();
        var secondBody = await second.ReadJsonAsync();
        Assert.True(JsonElement.DeepEquals(firstBody, secondBody), $"First commit {firstBody}, second {secondBody}.");
        Assert.Equal(4, (await _client.GetInventoryAsync(sku)).GetProperty("allocated").GetInt64());
        Assert.Equal(6, await _client.AvailableAsync(sku));
    }

    [Fact]
    public async Task Committing_a_reservation_made_without_an_order_and_naming_none_is_refused_with_400_naming_orderId()
    {
        var sku = TestIds.New("SKU");
        var id = TestIds.New("RES");
        await _client.ReceiveAsync(sku, 10);
        await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 4, id));

        using var response = await _client.CommitAsync(sku, id, new { });

        await response.AssertBadRequestNamingAsync("orderId");
        using var stored = await _client.GetReservationAsync(sku, id);
        Assert.Equal("active", (await stored.ReadJsonAsync()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Releasing_a_committed_reservation_is_refused_with_409_and_the_allocation_stands()
    {
        var sku = TestIds.New("SKU");
        var id = TestIds.New("RES");
        await _client.ReceiveAsync(sku, 10);
        var orderId = TestIds.New("ORD");
        await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 4, id));
        await _client.SubmitOrderTakingAsync(orderId, sku, 4, id);
        using (var committed = await _client.CommitAsync(sku, id, new { orderId }))
        {
            Assert.Equal(HttpStatusCode.OK, committed.StatusCode);
        }

        using var response = await _client.ReleaseAsync(sku, id);

        await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(4, (await _client.GetInventoryAsync(sku)).GetProperty("allocated").GetInt64());
        Assert.Equal(6, await _client.AvailableAsync(sku));
    }

    [Fact]
    public async Task Committing_to_an_order_that_does_not_list_the_reservation_is_refused_with_409_and_it_stays_active()
    {
        var sku = TestIds.New("SKU");
        var id = TestIds.New("RES");
        await _client.ReceiveAsync(sku, 10);
        await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 4, id));

        using var response = await _client.CommitAsync(sku, id, new { orderId = TestIds.New("ORD") });

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("reservationIds", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var stored = await _client.GetReservationAsync(sku, id);
        Assert.Equal("active", (await stored.ReadJsonAsync()).GetProperty("status").GetString());
        Assert.Equal(0, (await _client.GetInventoryAsync(sku)).GetProperty("allocated").GetInt64());
    }

    [Fact]
    public async Task Committing_a_released_reservation_is_refused_with_409()
    {
        var sku = TestIds.New("SKU");
        var id = TestIds.New("RES");
        await _client.ReceiveAsync(sku, 10);
        await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 2, id));
        using (var released = await _client.ReleaseAsync(sku, id))
        {
            Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        }

        using var response = await _client.CommitAsync(sku, id, new { orderId = TestIds.New("ORD") });

        await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(10, await _client.AvailableAsync(sku));
        using var stored = await _client.GetReservationAsync(sku, id);
        Assert.Equal("released", (await stored.ReadJsonAsync()).GetProperty("status").GetString());
    }

    // ------------------------------------------------------------------ release

    [Fact]
    public async Task Releasing_a_reservation_gives_its_stock_back_to_ATP()
    {
        var sku = TestIds.New("SKU");
        var id = TestIds.New("RES");
        await _client.ReceiveAsync(sku, 100);
        await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 30, id));
        Assert.Equal(70, await _client.AvailableAsync(sku));

        using var response = await _client.ReleaseAsync(sku, id);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("released", (await response.ReadJsonAsync()).GetProperty("status").GetString());
        Assert.Equal(100, await _client.AvailableAsync(sku));
    }

    [Fact]
    public async Task Releasing_a_reservation_again_answers_200_with_the_same_body()
    {
        var sku = TestIds.New("SKU");
        var id = TestIds.New("RES");
        await _client.ReceiveAsync(sku, 100);
        await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 30, id));

        using var first = await _client.ReleaseAsync(sku, id);
        using var second = await _client.ReleaseAsync(sku, id);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var firstBody = await first.ReadJsonAsync();
        var secondBody = await second.ReadJsonAsync();
        Assert.True(JsonElement.DeepEquals(firstBody, secondBody), $"First release {firstBody}, second {secondBody}.");
        Assert.Equal(100, await _client.AvailableAsync(sku));
    }

    // ------------------------------------------------------------------ extend

    [Fact]
    public async Task Extending_an_active_reservation_moves_its_expiry_later()
    {
        var sku = TestIds.New("SKU");
        var id = TestIds.New("RES");
        await _client.ReceiveAsync(sku, 10);
        var created = await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 1, id, ttlSeconds: 60));
        var before = DateTimeOffset.UtcNow;

        using var response = await _client.ExtendAsync(sku, id, 3600);

        var after = DateTimeOffset.UtcNow;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var extended = await response.ReadJsonAsync();
        var expiresAt = extended.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.True(expiresAt > created.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.InRange(expiresAt, before.AddHours(1) - ClockSlack, after.AddHours(1) + ClockSlack);
        Assert.Equal("active", extended.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Extending_beyond_the_maximum_TTL_is_capped_at_the_maximum()
    {
        var sku = TestIds.New("SKU");
        var id = TestIds.New("RES");
        await _client.ReceiveAsync(sku, 10);
        await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 1, id, ttlSeconds: 60));
        var before = DateTimeOffset.UtcNow;

        using var response = await _client.ExtendAsync(sku, id, (int)TimeSpan.FromDays(30).TotalSeconds);

        var after = DateTimeOffset.UtcNow;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var expiresAt = (await response.ReadJsonAsync()).GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expiresAt, before + MaxTtl - ClockSlack, after + MaxTtl);
    }

    [Fact]
    public async Task Extending_a_released_reservation_is_refused_with_409()
    {
        var sku = TestIds.New("SKU");
        var id = TestIds.New("RES");
        await _client.ReceiveAsync(sku, 10);
        await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 1, id));
        using (var released = await _client.ReleaseAsync(sku, id))
        {
            Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        }

        using var response = await _client.ExtendAsync(sku, id, 600);

        await response.AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Extending_without_a_positive_ttlSeconds_is_refused_with_400_naming_ttlSeconds()
    {
        var sku = TestIds.New("SKU");
        var id = TestIds.New("RES");
        await _client.ReceiveAsync(sku, 10);
        var created = await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 1, id));

        using var response = await _client.ExtendAsync(sku, id, 0);

        await response.AssertBadRequestNamingAsync("ttlSeconds");
        using var stored = await _client.GetReservationAsync(sku, id);
        Assert.Equal(created.GetProperty("expiresAt").GetDateTimeOffset(), (await stored.ReadJsonAsync()).GetProperty("expiresAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Extending_an_unknown_reservation_is_404()
    {
        using var response = await _client.ExtendAsync(TestIds.New("SKU"), TestIds.New("RES"), 600);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
