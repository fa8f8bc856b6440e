using System.Net;
using System.Net.Http.Json;

namespace Grid.Tests.Gateway.Orders;

/// <summary><c>/api/v1/orders</c>: submission, idempotency, credit holds, cancellation, refusals and bad input.</summary>
[Trait("Category", "Gateway")]
[Collection(GridApiCollection.Name)]
public sealed class OrdersApiTests(GridApiFactory factory)
{
    private readonly OrderWorld _w = new(factory.CreateClient());

    [Fact]
    public async Task A_submitted_order_answers_201_with_its_allocations_and_is_readable_at_its_location()
    {
        var (dc1, orderId) = (_w.Location("DC1"), _w.Id("O"));
        await _w.AddLocationAsync(dc1, 1);
        await _w.Client.ReceiveAsync(_w.Sku, 10, dc1);

        using var response = await _w.SubmitAsync(_w.Order(orderId));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/api/v1/orders/{orderId}", response.Headers.Location?.OriginalString);
        var order = await _w.GetOrderAsync(orderId);
        Assert.Equal(("released", 10L, 0L), (order.Status(), order.Line().AllocatedAt(dc1), order.Line().GetProperty("backordered").GetInt64()));
        Assert.False(order.GetProperty("onHold").GetBoolean());
    }

    [Fact]
    public async Task The_same_order_again_answers_the_same_and_a_different_one_under_its_id_answers_422()
    {
        var (dc1, orderId) = (_w.Location("DC1"), _w.Id("O"));
        await _w.AddLocationAsync(dc1, 1);
        await _w.Client.ReceiveAsync(_w.Sku, 20, dc1);
        await _w.SubmitCreatedAsync(_w.Order(orderId));

        var again = await _w.SubmitCreatedAsync(_w.Order(orderId));
        using var different = await _w.SubmitAsync(_w.Order(orderId, lines: new { lineId = "L1", sku = _w.Sku, quantity = 11 }));

        Assert.Equal("released", again.Status());
        var problem = await different.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("lines[0]", problem.GetProperty("field").GetString());
        Assert.Equal(10, await _w.Client.AvailableAsync(_w.Sku));
    }

    [Fact]
    public async Task An_order_for_a_customer_on_credit_hold_waits_and_the_ERP_release_releases_it()
    {
        var (dc1, orderId) = (_w.Location("DC1"), _w.Id("O"));
        await _w.AddLocationAsync(dc1, 1);
        await _w.Client.ReceiveAsync(_w.Sku, 10, dc1);
        using (var hold = await _w.SetCreditAsync("hold", DateTimeOffset.UtcNow.AddMinutes(-5), "over limit"))
        {
            Assert.Equal(HttpStatusCode.OK, hold.StatusCode);
        }

        var held = await _w.SubmitCreatedAsync(_w.Order(orderId));
        Assert.Equal(("onHold", true, 10L), (held.Status(), held.GetProperty("onHold").GetBoolean(), held.Line().AllocatedAt(dc1)));

        using (var release = await _w.SetCreditAsync("active", DateTimeOffset.UtcNow))
        {
            Assert.Equal("active", (await release.ReadJsonAsync()).GetProperty("status").GetString());
        }

        await _w.StatusAsync(orderId, "released");
    }

    [Fact]
    public async Task An_older_credit_update_is_not_applied()
    {
        using (await _w.SetCreditAsync("hold", DateTimeOffset.UtcNow))
        {
        }

        using var stale = await _w.SetCreditAsync("active", DateTimeOffset.UtcNow.AddHours(-1));

        var credit = await stale.ReadJsonAsync();
        Assert.Equal(("hold", false), (credit.GetProperty("status").GetString(), credit.GetProperty("applied").GetBoolean()));
    }

    [Fact]
    public async Task Cancelling_gives_the_stock_back_and_cancelling_a_shipped_order_answers_409_naming_its_status()
    {
        var (dc1, first, second) = (_w.Location("DC1"), _w.Id("O1"), _w.Id("O2"));
        await _w.AddLocationAsync(dc1, 1);
        await _w.Client.ReceiveAsync(_w.Sku, 20, dc1);
        await _w.SubmitCreatedAsync(_w.Order(first));
        await _w.SubmitCreatedAsync(_w.Order(second));

        using (var cancelled = await _w.Client.PostAsJsonAsync($"/api/v1/orders/{first}/cancel", new { reason = "customer changed their mind" }))
        {
            Assert.Equal("cancelled", (await cancelled.ReadJsonAsync()).Status());
        }

        Assert.Equal(10, await _w.Client.AvailableAsync(_w.Sku));
        await _w.SendAsync(_w.ShipConfirm(second, _w.Id("S"), dc1, 10));
        await _w.StatusAsync(second, "shipped");
        using var refused = await _w.Client.PostAsJsonAsync($"/api/v1/orders/{second}/cancel", new { reason = "too late" });
        var problem = await refused.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("shipped", problem.GetProperty("orderStatus").GetString());
        Assert.Contains("shipped", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_order_answers_404()
    {
        using var response = await _w.Client.GetAsync(new Uri($"/api/v1/orders/{_w.Id("nobody")}", UriKind.Relative));
        await response.AssertProblemAsync(HttpStatusCode.NotFound);
        using var timeline = await _w.Client.GetAsync(new Uri($"/api/v1/orders/{_w.Id("nobody")}/timeline", UriKind.Relative));
        await timeline.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("orderId")]
    [InlineData("customerId")]
    [InlineData("channel")]
    [InlineData("shipTo")]
    [InlineData("lines")]
    public async Task An_order_without_a_required_field_answers_400_naming_it_and_stores_nothing(string field)
    {
        var orderId = _w.Id("O");
        var order = new Dictionary<string, object?>
        {
            ["orderId"] = orderId,
            ["customerId"] = _w.CustomerId,
            ["channel"] = "web",
            ["shipTo"] = new { region = _w.Region },
            ["lines"] = new[] { new { lineId = "L1", sku = _w.Sku, quantity = 1 } },
        };
        order.Remove(field);

        using var response = await _w.SubmitAsync(order);

        await response.AssertBadRequestNamingAsync(field);
        using var read = await _w.Client.GetAsync(new Uri($"/api/v1/orders/{orderId}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    [Fact]
    public async Task A_bad_line_answers_400_naming_the_line_and_field()
    {
        using var response = await _w.SubmitAsync(_w.Order(_w.Id("O"), false,
            new { lineId = "L1", sku = _w.Sku, quantity = 1 },
            new { lineId = "L2", sku = _w.Sku, quantity = 0 },
            new { lineId = "L1", sku = "bad sku!", quantity = 1 }));

        await response.AssertBadRequestNamingAsync("lines[1].quantity");
        await (await _w.SubmitAsync(_w.Order(_w.Id("O"), false, new { lineId = "L1", sku = "bad sku!", quantity = 1 }))).AssertBadRequestNamingAsync("lines[0].sku");
    }

    [Fact]
    public async Task A_repeated_line_id_answers_400_naming_it()
    {
        using var response = await _w.SubmitAsync(_w.Order(_w.Id("O"), false,
            new { lineId = "L1", sku = _w.Sku, quantity = 1 },
            new { lineId = "L1", sku = _w.Sku, quantity = 2 }));

        await response.AssertBadRequestNamingAsync("lines[1].lineId");
    }

    [Fact]
    public async Task A_quantity_of_the_wrong_type_answers_400_naming_it()
    {
        using var response = await _w.Client.PostRawJsonAsync("/api/v1/orders",
            $$"""{"orderId":"{{_w.Id("O")}}","customerId":"C","channel":"web","shipTo":{"region":"east"},"lines":[{"lineId":"L1","sku":"{{_w.Sku}}","quantity":"ten"}]}""");

        await response.AssertBadRequestNamingAsync("lines[0].quantity");
    }

    [Fact]
    public async Task A_credit_update_without_a_valid_status_answers_400_naming_it()
    {
        using var response = await _w.Client.PutAsJsonAsync($"/api/v1/customers/{_w.CustomerId}/credit", new { status = "frozen", updatedAt = DateTimeOffset.UtcNow });

        await response.AssertBadRequestNamingAsync("status");
    }

    [Fact]
    public async Task A_return_before_anything_shipped_answers_409_and_one_of_more_than_shipped_400()
    {
        var (dc1, orderId) = (_w.Location("DC1"), _w.Id("O"));
        await _w.AddLocationAsync(dc1, 1);
        await _w.Client.ReceiveAsync(_w.Sku, 10, dc1);
        await _w.SubmitCreatedAsync(_w.Order(orderId));

        using (var early = await _w.Client.PostAsJsonAsync($"/api/v1/orders/{orderId}/returns", new { returnId = "RMA-1", lines = new[] { new { lineId = "L1", quantity = 1 } } }))
        {
            Assert.Equal("released", (await early.AssertProblemAsync(HttpStatusCode.Conflict)).GetProperty("orderStatus").GetString());
        }

        await _w.SendAsync(_w.ShipConfirm(orderId, _w.Id("S"), dc1, 4));
        await _w.StatusAsync(orderId, "partiallyShipped");
        using var tooMany = await _w.Client.PostAsJsonAsync($"/api/v1/orders/{orderId}/returns", new { returnId = "RMA-1", lines = new[] { new { lineId = "L1", quantity = 5 } } });
        await tooMany.AssertBadRequestNamingAsync("lines[0].quantity");
    }

    [Fact]
    public async Task An_invoice_for_an_unknown_order_answers_404_and_one_before_shipping_409()
    {
        var (dc1, orderId) = (_w.Location("DC1"), _w.Id("O"));
        await _w.AddLocationAsync(dc1, 1);
        await _w.Client.ReceiveAsync(_w.Sku, 10, dc1);
        await _w.SubmitCreatedAsync(_w.Order(orderId));

        using (var unknown = await _w.InvoiceAsync(_w.Id("nobody"), "INV-1"))
        {
            await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
        }

        using var early = await _w.InvoiceAsync(orderId, "INV-1");
        Assert.Equal("released", (await early.AssertProblemAsync(HttpStatusCode.Conflict)).GetProperty("orderStatus").GetString());
        using var undated = await _w.Client.PostAsJsonAsync("/api/v1/erp/invoices", new { invoiceId = "INV-2", orderId });
        await undated.AssertBadRequestNamingAsync("postedAt");
    }
}
