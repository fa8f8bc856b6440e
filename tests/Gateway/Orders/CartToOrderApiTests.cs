using System.Net;
using System.Text.Json;

namespace Grid.Tests.Gateway.Orders;

/// <summary>Cart to order over HTTP: an order line's <c>reservationIds</c> become its allocation, or the submission answers 422.</summary>
[Trait("Category", "Gateway")]
[Collection(GridApiCollection.Name)]
public sealed class CartToOrderApiTests(GridApiFactory factory)
{
    private readonly OrderWorld _w = new(factory.CreateClient());

    private object CartLine(long quantity, params string[] reservationIds) => new { lineId = "L1", sku = _w.Sku, quantity, reservationIds };

    private async Task<string> StockAndHoldAsync(string location, long stock, long held, string channel = "web", int? ttlSeconds = null)
    {
        var id = TestIds.New("CART");
        await _w.Client.ReceiveAsync(_w.Sku, stock, location);
        await _w.Client.ReserveCreatedAsync(GridHttp.Reservation(_w.Sku, held, id, channel, location, ttlSeconds));
        return id;
    }

    private async Task<JsonElement> ReservationAsync(string reservationId, string location)
    {
        using var response = await _w.Client.GetReservationAsync(_w.Sku, reservationId, location);
        return await response.ReadJsonAsync();
    }

    [Fact]
    public async Task A_line_naming_the_channels_reservation_takes_it_over_as_its_allocation_without_a_second_hold()
    {
        var (dc1, orderId) = (_w.Location("DC1"), _w.Id("O"));
        await _w.AddLocationAsync(dc1, 1);
        var cart = await StockAndHoldAsync(dc1, 10, 6);

        var order = await _w.SubmitCreatedAsync(_w.Order(orderId, lines: CartLine(6, cart)));

        Assert.Equal(("released", 6L), (order.Status(), order.Line().AllocatedAt(dc1)));
        var reservation = await ReservationAsync(cart, dc1);
        Assert.Equal(("committed", orderId), (reservation.GetProperty("status").GetString(), reservation.GetProperty("orderId").GetString()));
        var detail = await _w.Client.GetInventoryAsync(_w.Sku, dc1);
        Assert.Equal((0L, 6L), (detail.GetProperty("reserved").GetInt64(), detail.GetProperty("allocated").GetInt64()));
        Assert.Equal(4, await _w.Client.AvailableAsync(_w.Sku));
    }

    [Fact]
    public async Task One_cart_id_held_at_two_locations_becomes_allocations_at_both()
    {
        var (dc1, dc2, orderId) = (_w.Location("DC1"), _w.Location("DC2"), _w.Id("O"));
        await _w.AddLocationAsync(dc1, 1);
        await _w.AddLocationAsync(dc2, 2);
        var cart = TestIds.New("CART");
        await _w.Client.ReceiveAsync(_w.Sku, 3, dc1);
        await _w.Client.ReceiveAsync(_w.Sku, 5, dc2);
        await _w.Client.ReserveCreatedAsync(GridHttp.Reservation(_w.Sku, 3, cart, location: dc1));
        await _w.Client.ReserveCreatedAsync(GridHttp.Reservation(_w.Sku, 4, cart, location: dc2));

        var order = await _w.SubmitCreatedAsync(_w.Order(orderId, allowSplit: true, CartLine(7, cart)));

        Assert.Equal((3L, 4L), (order.Line().AllocatedAt(dc1), order.Line().AllocatedAt(dc2)));
        Assert.Equal(1, await _w.Client.AvailableAsync(_w.Sku));
    }

    [Fact]
    public async Task Units_the_reservations_do_not_cover_are_sourced_as_usual()
    {
        var (dc1, orderId) = (_w.Location("DC1"), _w.Id("O"));
        await _w.AddLocationAsync(dc1, 1);
        var cart = await StockAndHoldAsync(dc1, 10, 4);

        var order = await _w.SubmitCreatedAsync(_w.Order(orderId, lines: CartLine(9, cart)));

        Assert.Equal(("released", 9L), (order.Status(), order.Line().AllocatedAt(dc1)));
        Assert.Equal(1, await _w.Client.AvailableAsync(_w.Sku));
    }

    [Fact]
    public async Task Submitting_the_same_order_again_answers_the_same_and_takes_nothing_more()
    {
        var (dc1, orderId) = (_w.Location("DC1"), _w.Id("O"));
        await _w.AddLocationAsync(dc1, 1);
        var cart = await StockAndHoldAsync(dc1, 10, 5);
        var first = await _w.SubmitCreatedAsync(_w.Order(orderId, lines: CartLine(5, cart)));

        var again = await _w.SubmitCreatedAsync(_w.Order(orderId, lines: CartLine(5, cart)));

        Assert.Equal((first.Status(), 5L), (again.Status(), again.Line().AllocatedAt(dc1)));
        Assert.Equal(5, (await _w.Client.GetInventoryAsync(_w.Sku, dc1)).GetProperty("allocated").GetInt64());
    }

    [Fact]
    public async Task Another_channels_reservation_is_refused_422_naming_the_line_and_nothing_is_stored()
    {
        var (dc1, orderId) = (_w.Location("DC1"), _w.Id("O"));
        await _w.AddLocationAsync(dc1, 1);
        var cart = await StockAndHoldAsync(dc1, 10, 4, channel: "b2b");

        using var response = await _w.SubmitAsync(_w.Order(orderId, lines: CartLine(4, cart)));

        var refusal = await SingleRefusalAsync(response);
        Assert.Equal(("L1", cart, "otherChannel"), refusal);
        await AssertNothingStoredAsync(orderId, cart, dc1);
    }

    [Fact]
    public async Task An_expired_reservation_is_refused_422_with_reason_expired()
    {
        var (dc1, orderId) = (_w.Location("DC1"), _w.Id("O"));
        await _w.AddLocationAsync(dc1, 1);
        var cart = await StockAndHoldAsync(dc1, 10, 4, ttlSeconds: 1);
        await Eventually.ThatAsync(
            async () => (await ReservationAsync(cart, dc1)).GetProperty("status").GetString() == "expired", "the reservation to expire");

        using var response = await _w.SubmitAsync(_w.Order(orderId, lines: CartLine(4, cart)));

        Assert.Equal(("L1", cart, "expired"), await SingleRefusalAsync(response));
        using var stored = await _w.Client.GetAsync(new Uri($"/api/v1/orders/{orderId}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, stored.StatusCode);
    }

    [Fact]
    public async Task A_reservation_of_another_SKU_is_unknown_for_the_line()
    {
        var (dc1, orderId) = (_w.Location("DC1"), _w.Id("O"));
        await _w.AddLocationAsync(dc1, 1);
        await _w.Client.ReceiveAsync(_w.Sku, 10, dc1);
        var otherSku = TestIds.New("SKU");
        var cart = TestIds.New("CART");
        await _w.Client.ReceiveAsync(otherSku, 10, dc1);
        await _w.Client.ReserveCreatedAsync(GridHttp.Reservation(otherSku, 2, cart, location: dc1));

        using var response = await _w.SubmitAsync(_w.Order(orderId, lines: CartLine(2, cart)));

        Assert.Equal(("L1", cart, "unknown"), await SingleRefusalAsync(response));
    }

    [Fact]
    public async Task The_same_refused_submission_again_answers_the_same_422()
    {
        var (dc1, orderId) = (_w.Location("DC1"), _w.Id("O"));
        await _w.AddLocationAsync(dc1, 1);
        var cart = await StockAndHoldAsync(dc1, 10, 4, channel: "b2b");
        using (var first = await _w.SubmitAsync(_w.Order(orderId, lines: CartLine(4, cart))))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, first.StatusCode);
        }

        using var again = await _w.SubmitAsync(_w.Order(orderId, lines: CartLine(4, cart)));

        Assert.Equal(("L1", cart, "otherChannel"), await SingleRefusalAsync(again));
    }

    [Fact]
    public async Task A_reservation_named_twice_for_the_same_SKU_is_bad_input()
    {
        using var response = await _w.SubmitAsync(_w.Order(_w.Id("O"), lines: CartLine(4, "cart-x", "cart-x")));

        await response.AssertBadRequestNamingAsync("lines[0].reservationIds[1]");
    }

    private static async Task<(string LineId, string ReservationId, string Reason)> SingleRefusalAsync(HttpResponseMessage response)
    {
        var problem = await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        var line = Assert.Single(problem.GetProperty("lines").EnumerateArray());
        return (line.GetProperty("lineId").GetString()!, line.GetProperty("reservationId").GetString()!, line.GetProperty("reason").GetString()!);
    }

    private async Task AssertNothingStoredAsync(string orderId, string cart, string location)
    {
        using var stored = await _w.Client.GetAsync(new Uri($"/api/v1/orders/{orderId}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, stored.StatusCode);
        Assert.Equal("active", (await ReservationAsync(cart, location)).GetProperty("status").GetString());
        Assert.Equal(0, (await _w.Client.GetInventoryAsync(_w.Sku, location)).GetProperty("allocated").GetInt64());
    }
}
