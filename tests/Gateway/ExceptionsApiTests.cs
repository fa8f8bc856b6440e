using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Grid.Tests.Gateway;

/// <summary>
/// <c>/api/v1/ops/exceptions</c> in dev mode: exceptions raised the way they are in production (here a transfer that
/// leaves a SKU-location's on-hand below zero), listed, filtered, paged, and acted on by a person or cleared by the system.
/// </summary>
[Trait("Category", "Gateway")]
[Collection(GridApiCollection.Name)]
public sealed class ExceptionsApiTests(GridApiFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task A_movement_that_leaves_on_hand_below_zero_opens_one_critical_exception_about_its_sku_location()
    {
        var sku = await NegativeOnHandAsync();

        var e = await OpenExceptionAsync(sku);

        Assert.Equal(("negativeOnHand", "critical", "open", 1), (e.GetProperty("kind").GetString(), e.GetProperty("severity").GetString(), e.GetProperty("state").GetString(), e.GetProperty("count").GetInt32()));
        Assert.Equal(("skuLocation", $"{sku}@{GridHttp.Dc1}"), (e.GetProperty("subject").GetProperty("type").GetString(), e.GetProperty("subject").GetProperty("id").GetString()));
        using var one = await _client.GetAsync(new Uri($"/api/v1/ops/exceptions/{e.GetProperty("id").GetString()}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal(sku, (await one.ReadJsonAsync()).GetProperty("sku").GetString());
    }

    [Fact]
    public async Task A_second_failure_of_the_same_kind_is_counted_into_the_open_exception()
    {
        var sku = await NegativeOnHandAsync();
        await OpenExceptionAsync(sku);

        await _client.SendEventsAsync(GridHttp.Event("transferOut", sku, GridHttp.Dc1, null, null, ("quantity", 1)));

        var e = await Eventually.ReadAsync(() => OpenExceptionAsync(sku), x => x.GetProperty("count").GetInt32() == 2, "the repeat counted");
        Assert.True(e.GetProperty("lastSeenAt").GetDateTimeOffset() >= e.GetProperty("firstSeenAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Acknowledge_assign_resolve_and_reopen_move_an_exception_through_its_states()
    {
        var id = (await OpenExceptionAsync(await NegativeOnHandAsync())).GetProperty("id").GetString()!;

        var acknowledged = await ActAsync(id, "acknowledge", new { by = "alice" });
        var assigned = await ActAsync(id, "assign", new { assignee = "bob" });
        var resolved = await ActAsync(id, "resolve", new { note = "counted the bin, adjusted in the WMS", by = "bob" });
        var reopened = await ActAsync(id, "reopen", null);

        Assert.Equal(("acknowledged", "alice"), (acknowledged.GetProperty("state").GetString(), acknowledged.GetProperty("acknowledgedBy").GetString()));
        Assert.Equal("bob", assigned.GetProperty("assignedTo").GetString());
        Assert.Equal(("resolved", "bob", "counted the bin, adjusted in the WMS"),
            (resolved.GetProperty("state").GetString(), resolved.GetProperty("resolvedBy").GetString(), resolved.GetProperty("resolution").GetString()));
        Assert.Equal("open", reopened.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Acknowledging_a_resolved_exception_answers_409_with_its_state()
    {
        var id = (await OpenExceptionAsync(await NegativeOnHandAsync())).GetProperty("id").GetString()!;
        await ActAsync(id, "resolve", new { note = "done" });

        using var response = await _client.PostAsJsonAsync($"/api/v1/ops/exceptions/{id}/acknowledge", new { by = "carol" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("resolved", problem.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Reopening_an_open_exception_answers_409()
    {
        var id = (await OpenExceptionAsync(await NegativeOnHandAsync())).GetProperty("id").GetString()!;

        using var response = await _client.PostAsync(new Uri($"/api/v1/ops/exceptions/{id}/reopen", UriKind.Relative), null);

        await response.AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Resolving_without_a_note_answers_400_naming_it()
    {
        var id = (await OpenExceptionAsync(await NegativeOnHandAsync())).GetProperty("id").GetString()!;

        using var response = await _client.PostAsJsonAsync($"/api/v1/ops/exceptions/{id}/resolve", new { by = "alice" });

        await response.AssertBadRequestNamingAsync("note");
    }

    [Theory]
    [InlineData("0-999999")]
    [InlineData("not-an-id")]
    public async Task An_unknown_exception_answers_404(string id)
    {
        using var get = await _client.GetAsync(new Uri($"/api/v1/ops/exceptions/{id}", UriKind.Relative));
        using var act = await _client.PostAsJsonAsync($"/api/v1/ops/exceptions/{id}/acknowledge", new { });

        await get.AssertProblemAsync(HttpStatusCode.NotFound);
        await act.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_list_filters_and_pages_newest_first_with_a_cursor()
    {
        var owner = TestIds.New("ops");
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var id = (await OpenExceptionAsync(await NegativeOnHandAsync())).GetProperty("id").GetString()!;
            await ActAsync(id, "assign", new { assignee = owner });
            ids.Add(id);
        }

        var first = await ListAsync($"assignedTo={owner}&kind=negativeOnHand,invariantViolated&state=acknowledged&severity=critical&limit=2");
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await ListAsync($"assignedTo={owner}&limit=2&cursor={cursor}");

        Assert.Equal([ids[2], ids[1]], Ids(first));
        Assert.Equal([ids[0]], Ids(second));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
        Assert.Empty(Ids(await ListAsync($"assignedTo={owner}&state=resolved")));
    }

    [Theory]
    [InlineData("kind=meteor", "kind")]
    [InlineData("state=closed", "state")]
    [InlineData("severity=warning,error", "severity")]
    [InlineData("cursor=bogus", "cursor")]
    [InlineData("limit=0", "limit")]
    public async Task A_bad_filter_answers_400_naming_it(string query, string field)
    {
        using var response = await _client.GetAsync(new Uri($"/api/v1/ops/exceptions?{query}", UriKind.Relative));

        await response.AssertBadRequestNamingAsync(field);
    }

    [Fact]
    public async Task When_stock_comes_back_the_exception_resolves_by_the_system()
    {
        var sku = await NegativeOnHandAsync();
        var id = (await OpenExceptionAsync(sku)).GetProperty("id").GetString()!;

        await _client.ReceiveAsync(sku, 20);

        var e = await Eventually.ReadAsync(() => GetAsync(id), x => x.GetProperty("state").GetString() == "resolved", "the system resolving it");
        Assert.Equal("system", e.GetProperty("resolvedBy").GetString());
    }

    private async Task<string> NegativeOnHandAsync()
    {
        var sku = TestIds.New("EXC");
        await _client.ReceiveAsync(sku, 2);
        await _client.SendEventsAsync(GridHttp.Event("transferOut", sku, GridHttp.Dc1, null, null, ("quantity", 5)));
        return sku;
    }

    private Task<JsonElement> OpenExceptionAsync(string sku)
        => Eventually.ReadAsync(
            async () =>
            {
                var page = await ListAsync($"subjectType=skuLocation&subjectId={sku}@{GridHttp.Dc1}&kind=negativeOnHand");
                return page.GetProperty("exceptions").EnumerateArray().FirstOrDefault();
            },
            e => e.ValueKind == JsonValueKind.Object,
            $"an exception about {sku}");

    private async Task<JsonElement> ListAsync(string query)
    {
        using var response = await _client.GetAsync(new Uri($"/api/v1/ops/exceptions?{query}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    private async Task<JsonElement> GetAsync(string id)
    {
        using var response = await _client.GetAsync(new Uri($"/api/v1/ops/exceptions/{id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    private async Task<JsonElement> ActAsync(string id, string action, object? body)
    {
        using var response = body is null
            ? await _client.PostAsync(new Uri($"/api/v1/ops/exceptions/{id}/{action}", UriKind.Relative), null)
            : await _client.PostAsJsonAsync($"/api/v1/ops/exceptions/{id}/{action}", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    private static string[] Ids(JsonElement page) => page.GetProperty("exceptions").Strings("id");
}
