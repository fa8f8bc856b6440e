using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grid.Tests.Gateway.Orders;

namespace Grid.Tests.Gateway;

/// <summary>
/// <c>/api/v1/allocations</c> end to end: a policy rations a SKU by channel and customer group, reservations and orders
/// consume it, ATP shows what is left, and a refusal names <c>quota-exhausted</c> and the quota.
/// </summary>
[Trait("Category", "Gateway")]
[Collection(GridApiCollection.Name)]
public sealed class AllocationApiTests(GridApiFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Many_parallel_reservations_against_one_quota_are_never_granted_more_than_it()
    {
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 100);
        await _client.ReceiveAsync(sku, 100, GridHttp.Dc2);
        await SetPolicyAsync(sku, new { channel = "web", quantity = 10 });

        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            using var response = await _client.ReserveAsync(GridHttp.Reservation(sku, 1, location: i % 2 == 0 ? GridHttp.Dc1 : GridHttp.Dc2));
            return (response.StatusCode, Body: await response.Content.ReadFromJsonAsync<JsonElement>());
        }));

        Assert.Equal(10, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        var refused = answers.Where(a => a.StatusCode != HttpStatusCode.Created).ToList();
        Assert.All(refused, a => Assert.Equal((HttpStatusCode.Conflict, "quota-exhausted"), (a.StatusCode, a.Body.GetProperty("code").GetString())));
        Assert.All(refused, a => Assert.Equal(10, a.Body.GetProperty("quota").GetProperty("quantity").GetInt64()));
        var bucket = await BucketAsync(sku, "channel:web", b => b.GetProperty("consumed").GetInt64() == 10);
        Assert.Equal(0, bucket.GetProperty("remaining").GetInt64());
    }

    [Fact]
    public async Task A_customer_group_set_by_the_ERP_takes_its_own_quota_and_others_share_the_rest()
    {
        var sku = TestIds.New("SKU");
        var (gold, other) = (TestIds.New("C"), TestIds.New("C"));
        await _client.ReceiveAsync(sku, 100);
        using (var set = await _client.PutAsJsonAsync($"/api/v1/customers/{gold}/group", new { group = "gold", updatedAt = DateTimeOffset.UtcNow }))
        {
            Assert.Equal("gold", (await set.ReadJsonAsync()).GetProperty("group").GetString());
        }

        await SetPolicyAsync(sku, new { customerGroup = "gold", quantity = 5 }, everyoneElse: 2);

        await _client.ReserveCreatedAsync(WithCustomer(GridHttp.Reservation(sku, 5), gold));
        await _client.ReserveCreatedAsync(WithCustomer(GridHttp.Reservation(sku, 2), other));
        using var goldRefused = await _client.ReserveAsync(WithCustomer(GridHttp.Reservation(sku, 1), gold));
        using var otherRefused = await _client.ReserveAsync(WithCustomer(GridHttp.Reservation(sku, 1), other));

        Assert.Equal("group:gold", (await goldRefused.AssertProblemAsync(HttpStatusCode.Conflict)).GetProperty("quota").GetProperty("bucket").GetString());
        Assert.Equal("everyoneElse", (await otherRefused.AssertProblemAsync(HttpStatusCode.Conflict)).GetProperty("quota").GetProperty("bucket").GetString());
    }

    [Fact]
    public async Task ATP_for_a_channel_shows_the_quota_left_and_is_no_more_than_it()
    {
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 100);
        await SetPolicyAsync(sku, new { channel = "web", quantity = 10 });
        await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 4));

        var atp = await Eventually.ReadAsync(
            () => _client.GetAtpAsync(sku, "?channel=web"), a => a.GetProperty("quota").GetProperty("remaining").GetInt64() == 6, "the quota left");

        Assert.Equal(6, atp.GetProperty("available").GetInt64());
        Assert.Equal(96, atp.GetProperty("locations")[0].GetProperty("available").GetInt64());
        Assert.Equal(96, await _client.AvailableAsync(sku));
    }

    [Fact]
    public async Task Releasing_a_reservation_gives_its_quota_back()
    {
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 100);
        await SetPolicyAsync(sku, new { channel = "web", quantity = 10 });
        var held = await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 10));

        using (var released = await _client.ReleaseAsync(sku, held.GetProperty("reservationId").GetString()!))
        {
            Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        }

        await BucketAsync(sku, "channel:web", b => b.GetProperty("consumed").GetInt64() == 0);
        await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 10));
    }

    [Fact]
    public async Task A_cart_reservation_an_order_takes_over_is_counted_against_the_quota_once()
    {
        var sku = TestIds.New("SKU");
        var orderId = TestIds.New("O");
        await _client.ReceiveAsync(sku, 100);
        await SetPolicyAsync(sku, new { channel = "web", quantity = 10 });
        var cart = await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 6));

        await _client.SubmitOrderTakingAsync(orderId, sku, 6, cart.GetProperty("reservationId").GetString()!);

        await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 4));
        using var refused = await _client.ReserveAsync(GridHttp.Reservation(sku, 1));
        await refused.AssertProblemAsync(HttpStatusCode.Conflict);
        await BucketAsync(sku, "channel:web", b => b.GetProperty("consumed").GetInt64() == 10);
    }

    [Fact]
    public async Task An_order_is_allocated_no_more_than_its_customer_groups_quota_and_waits_for_the_rest()
    {
        var world = new OrderWorld(_client);
        var (dc1, orderId) = (world.Location("DC1"), world.Id("O"));
        await world.AddLocationAsync(dc1, 1);
        await _client.ReceiveAsync(world.Sku, 100, dc1);
        using (await _client.PutAsJsonAsync($"/api/v1/customers/{world.CustomerId}/group", new { group = "gold", updatedAt = DateTimeOffset.UtcNow }))
        {
        }

        await SetPolicyAsync(world.Sku, new { customerGroup = "gold", quantity = 5 }, everyoneElse: 50);

        var order = await world.SubmitCreatedAsync(world.Order(orderId, false, new { lineId = "L1", sku = world.Sku, quantity = 8 }));

        Assert.Equal((5L, 3L), (order.Line().GetProperty("allocations")[0].GetProperty("quantity").GetInt64(), order.Line().GetProperty("backordered").GetInt64()));
        await BucketAsync(world.Sku, "group:gold", b => b.GetProperty("consumed").GetInt64() == 5);
    }

    [Fact]
    public async Task A_location_that_gets_stock_after_the_policy_was_set_asks_for_quota_too()
    {
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 100);
        await SetPolicyAsync(sku, new { channel = "web", quantity = 3 });
        await _client.ReceiveAsync(sku, 100, GridHttp.Dc2);

        await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 3, location: GridHttp.Dc2));
        using var refused = await _client.ReserveAsync(GridHttp.Reservation(sku, 1, location: GridHttp.Dc1));

        await refused.AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_policy_whose_period_ends_before_it_starts_is_refused_with_400_naming_the_field()
    {
        var sku = TestIds.New("SKU");
        var now = DateTimeOffset.UtcNow;

        using var response = await _client.PutAsJsonAsync($"/api/v1/allocations/{sku}/policies/p1", new
        {
            from = now, to = now.AddDays(-1), quotas = new[] { new { channel = "web", quantity = 1 } },
        });

        await response.AssertBadRequestNamingAsync("to");
    }

    [Fact]
    public async Task A_policy_overlapping_another_for_the_same_scope_is_refused_with_409()
    {
        var sku = TestIds.New("SKU");
        await SetPolicyAsync(sku, new { channel = "web", quantity = 1 });

        using var response = await _client.PutAsJsonAsync($"/api/v1/allocations/{sku}/policies/other", new
        {
            from = DateTimeOffset.UtcNow, to = DateTimeOffset.UtcNow.AddDays(2), quotas = new[] { new { channel = "web", quantity = 1 } },
        });

        await response.AssertProblemAsync(HttpStatusCode.Conflict);
    }

    private async Task SetPolicyAsync(string sku, object quota, long everyoneElse = 0)
    {
        using var response = await _client.PutAsJsonAsync($"/api/v1/allocations/{sku}/policies/launch", new
        {
            from = DateTimeOffset.UtcNow.AddMinutes(-1), to = DateTimeOffset.UtcNow.AddDays(7), quotas = new[] { quota }, everyoneElse,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<JsonElement> BucketAsync(string sku, string bucket, Func<JsonElement, bool> done)
        => await Eventually.ReadAsync(
            async () =>
            {
                var allocation = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/allocations/{sku}");
                return allocation.GetProperty("policies")[0].GetProperty("buckets").EnumerateArray().Single(b => b.GetProperty("bucket").GetString() == bucket);
            },
            done,
            $"bucket {bucket}");

    private static Dictionary<string, object?> WithCustomer(Dictionary<string, object?> reservation, string customerId)
    {
        reservation["customerId"] = customerId;
        return reservation;
    }
}
