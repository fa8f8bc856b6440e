using System.Diagnostics;
using System.Net;

namespace Grid.Tests.Gateway;

/// <summary><c>GET /api/v1/availability/changes</c> and <c>/export</c> in dev mode. Each test has a location of its own.</summary>
[Trait("Category", "Gateway")]
[Collection(GridApiCollection.Name)]
public sealed class AvailabilityFeedTests(GridApiFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();
    private readonly string _location = TestIds.New("L");

    [Fact]
    public async Task Changes_come_in_the_order_they_were_stored_each_SKU_location_once_at_its_latest()
    {
        var (first, second) = (TestIds.New("SKU"), TestIds.New("SKU"));
        await _client.ReceiveAsync(first, 10, _location);
        await _client.ReceiveAsync(second, 5, _location);
        await _client.ReserveCreatedAsync(GridHttp.Reservation(first, 3, location: _location));

        var (items, _) = await _client.ReadAllAsync(_location);

        Assert.Equal([second, first], items.Select(i => i.Sku()));
        Assert.Equal([5L, 7L], items.Select(i => i.Available()));
        Assert.Equal(3, items[1].GetProperty("reserved").GetInt64());
    }

    [Fact]
    public async Task A_cursor_resumes_after_what_was_read_and_nothing_before_it_comes_again()
    {
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 10, _location);
        var (_, cursor) = await _client.ReadAllAsync(_location);

        await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 4, location: _location));
        var (items, next) = await _client.ReadAllAsync(_location, cursor);

        Assert.Equal(6, Assert.Single(items).Available());
        Assert.Equal(next, items[0].GetProperty("cursor").GetString());
        Assert.Empty((await _client.ReadAllAsync(_location, next)).Items);
    }

    [Fact]
    public async Task A_long_poll_waits_for_the_next_change_and_answers_it_at_once()
    {
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 10, _location);
        var (_, cursor) = await _client.ReadAllAsync(_location);

        var clock = Stopwatch.StartNew();
        var poll = _client.ChangesAsync($"?wait=60&locations={_location}&after={cursor}");
        await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 1, location: _location));
        var page = await poll;

        Assert.Equal(9, Assert.Single(page.GetProperty("items").EnumerateArray()).Available());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"The long-poll answered after {clock.Elapsed}, not at the change.");
    }

    [Fact]
    public async Task An_empty_long_poll_answers_when_its_wait_runs_out_with_a_cursor_to_go_on_from()
    {
        var (_, cursor) = await _client.ReadAllAsync(_location);

        var page = await _client.ChangesAsync($"?wait=1&locations={_location}&after={cursor}");

        Assert.Empty(page.GetProperty("items").EnumerateArray());
        Assert.False(string.IsNullOrEmpty(page.GetProperty("cursor").GetString()));
    }

    [Fact]
    public async Task The_locations_parameter_leaves_out_other_locations_changes()
    {
        var other = TestIds.New("L");
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 10, _location);
        await _client.ReceiveAsync(sku, 20, other);

        var (items, _) = await _client.ReadAllAsync(_location);

        var item = Assert.Single(items);
        Assert.Equal(_location, item.GetProperty("location").GetString());
        Assert.Equal(10, item.Available());
    }

    [Fact]
    public async Task The_channel_parameter_gives_that_channels_view_of_ring_fenced_stock()
    {
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 100, _location);
        using var policy = await _client.PutPolicyAsync(sku, new { safetyStock = 0, ringFences = new Dictionary<string, long> { ["store"] = 30 } }, _location);
        Assert.Equal(HttpStatusCode.OK, policy.StatusCode);

        var web = Assert.Single((await _client.ReadAllAsync(_location, channel: "web")).Items);
        var store = Assert.Single((await _client.ReadAllAsync(_location, channel: "store")).Items);

        Assert.Equal(70, web.Available());
        Assert.Equal(100, store.Available());
        Assert.Equal(await _client.AvailableAsync(sku, $"?locations={_location}&channel=web"), web.Available());
    }

    [Theory]
    [InlineData("?after=not-a-cursor", "after")]
    [InlineData("?after=abc", "after")]
    [InlineData("?limit=0", "limit")]
    [InlineData("?wait=61", "wait")]
    [InlineData("?locations=no%20spaces", "locations")]
    public async Task A_bad_parameter_is_a_400_naming_it(string query, string field)
    {
        using var response = await _client.GetAsync(new Uri($"/api/v1/availability/changes{query}", UriKind.Relative));

        await response.AssertBadRequestNamingAsync(field);
    }

    [Fact]
    public async Task A_cursor_from_another_feed_is_410_with_the_way_to_take_a_new_snapshot()
    {
        using var response = await _client.GetAsync(new Uri("/api/v1/availability/changes?wait=0&after=0123456789abcdef-42", UriKind.Relative));

        var problem = await response.AssertProblemAsync(HttpStatusCode.Gone);
        Assert.Equal("/api/v1/availability/export", problem.GetProperty("snapshot").GetString());
    }

    [Fact]
    public async Task A_cursor_ahead_of_the_feed_is_410()
    {
        var (_, cursor) = await _client.ReadAllAsync(_location);
        var epoch = cursor[..cursor.LastIndexOf('-')];

        using var response = await _client.GetAsync(new Uri($"/api/v1/availability/changes?wait=0&after={epoch}-{long.MaxValue}", UriKind.Relative));

        await response.AssertProblemAsync(HttpStatusCode.Gone);
    }

    [Fact]
    public async Task An_export_then_the_feed_from_its_cursor_ends_at_the_grids_ATP()
    {
        var (kept, changed) = (TestIds.New("SKU"), TestIds.New("SKU"));
        await _client.ReceiveAsync(kept, 10, _location);
        await _client.ReceiveAsync(changed, 20, _location);

        var (cursor, lines) = await _client.ExportAsync($"?locations={_location}");
        await _client.ReserveCreatedAsync(GridHttp.Reservation(changed, 5, location: _location));
        var (items, _) = await _client.ReadAllAsync(_location, cursor);

        Assert.Equal(new[] { kept, changed }.Order(StringComparer.Ordinal), lines.Select(l => l.Sku()));
        Assert.All(lines, l => Assert.Equal(cursor, l.GetProperty("cursor").GetString()));
        var view = lines.ToDictionary(l => l.Sku(), l => l.Available());
        foreach (var item in items)
        {
            view[item.Sku()] = item.Available();
        }

        Assert.Equal(await _client.AvailableAsync(kept, $"?locations={_location}"), view[kept]);
        Assert.Equal(15, view[changed]);
        Assert.Equal(await _client.AvailableAsync(changed, $"?locations={_location}"), view[changed]);
    }

    [Fact]
    public async Task The_feed_needs_a_sales_crm_or_ops_key()
    {
        using var anonymous = factory.CreateAnonymousClient();

        using var response = await anonymous.GetAsync(new Uri("/api/v1/availability/changes?wait=0", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
