using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grid.Tests.Gateway;
using Grid.Tests.Gateway.Orders;
using Grid.Tests.Kpis;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Grid.Tests.Browser;

/// <summary>The ops console at /ops/, driven in headless Chromium against the dev-mode process on a real port.</summary>
[Trait("Category", "Browser")]
[Collection(ConsoleCollection.Name)]
public sealed class OpsConsoleTests(ConsoleFixture fixture)
{
    static OpsConsoleTests() => SetDefaultExpectTimeout(30_000);

    [Fact]
    public async Task The_console_asks_a_browser_for_a_key_and_refuses_a_wrong_one()
    {
        const string WrongKey = "not-a-key-anybody-was-given";
        var anonymous = await fixture.OpenPageAsync(key: null);
        var wrong = await fixture.OpenPageAsync(key: WrongKey);

        var withoutKey = await NavigationStatusAsync(anonymous);
        var withWrongKey = await NavigationStatusAsync(wrong);
        var challenge = await anonymous.APIRequest.GetAsync(fixture.ConsoleUrl);
        var refusal = await anonymous.APIRequest.GetAsync(fixture.ConsoleUrl, new()
        {
            Headers = new Dictionary<string, string> { ["Authorization"] = "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"ops:{WrongKey}")) },
        });

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (withoutKey, withWrongKey));
        await Expect(wrong.GetByRole(AriaRole.Heading, new() { Name = "Exception queue" })).ToHaveCountAsync(0);
        Assert.Contains("Basic realm=\"Grid\"", challenge.Headers["www-authenticate"], StringComparison.Ordinal);
        Assert.Equal((int)HttpStatusCode.Unauthorized, refusal.Status);
        Assert.Contains("is not known", await refusal.TextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_ops_key_the_console_shows_the_exception_queue()
    {
        var page = await fixture.OpenConsoleAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Exception queue" })).ToBeVisibleAsync();
        await Expect(page.Locator("#exceptions .status")).ToContainTextAsync("Page 1:");
    }

    [Fact]
    public async Task A_short_pick_shows_in_the_console_and_is_acknowledged_and_resolved_by_clicking()
    {
        var orderId = await ShortPickedOrderAsync();
        var page = await fixture.OpenConsoleAsync();
        await page.GetByLabel("Acting as").FillAsync("alice");
        await page.Locator("#exception-filters").GetByLabel("Kind").SelectOptionAsync("shortPick");
        await page.Locator("#exception-filters").GetByLabel("Subject").FillAsync(orderId);
        await page.Locator("#exception-filters").GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        var row = page.Locator("#exception-rows tr", new() { HasText = orderId });
        await Expect(row).ToContainTextAsync("shortPick");
        await Expect(row.Locator(".state-cell")).ToHaveTextAsync("open");

        await row.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();
        await Expect(row.Locator(".state-cell")).ToHaveTextAsync("acknowledged by alice");
        await row.GetByRole(AriaRole.Button, new() { Name = "Resolve", Exact = true }).ClickAsync();
        await row.GetByRole(AriaRole.Textbox).FillAsync("Re-picked from the back shelf.");
        await row.GetByRole(AriaRole.Button, new() { Name = "Confirm resolve" }).ClickAsync();

        await Expect(row.Locator(".state-cell")).ToHaveTextAsync("resolved by alice: Re-picked from the back shelf.");
        await page.Locator("#exception-filters").GetByLabel("State").SelectOptionAsync("resolved");
        await page.Locator("#exception-filters").GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(row.Locator(".state-cell")).ToHaveTextAsync("resolved by alice: Re-picked from the back shelf.");
        var stored = await ExceptionsOfAsync(orderId);
        Assert.Equal(("resolved", "alice"), (stored[0].GetProperty("state").GetString(), stored[0].GetProperty("resolvedBy").GetString()));
    }

    [Fact]
    public async Task The_queue_pages_on_with_its_cursor()
    {
        // 26 SKU-locations sent below zero: 26 open negative on-hand exceptions, one more than a page holds.
        var keys = Enumerable.Range(0, 26).Select(_ => $"{TestIds.New("SKU")}@{GridHttp.Dc1}").ToList();
        await fixture.Api.SendEventsAsync([.. keys.Select(k => GridHttp.Event("transferOut", k.Split('@')[0], GridHttp.Dc1, null, null, ("quantity", 1L)))]);
        await Eventually.ThatAsync(async () => (await Task.WhenAll(keys.Select(NegativeOnHandIdAsync))).All(id => id is not null), "26 negative on-hand exceptions");
        var page = await fixture.OpenConsoleAsync();
        var filters = page.Locator("#exception-filters");
        await filters.GetByLabel("State").SelectOptionAsync("open");
        await filters.GetByLabel("Kind").SelectOptionAsync("negativeOnHand");
        await filters.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        var subjects = page.Locator("#exception-rows tr td:nth-child(3)");
        await Expect(subjects).ToHaveCountAsync(25);
        var first = await subjects.AllTextContentsAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Next page" }).ClickAsync();

        await Expect(page.Locator("#exceptions .status")).ToContainTextAsync("Page 2:");
        var second = await subjects.AllTextContentsAsync();
        Assert.Empty(first.Intersect(second));
        Assert.Subset(first.Concat(second).ToHashSet(), keys.ToHashSet());
    }

    [Fact]
    public async Task A_resolved_exception_is_reopened_by_clicking()
    {
        var orderId = await ShortPickedOrderAsync();
        var id = (await ExceptionsOfAsync(orderId))[0].GetProperty("id").GetString()!;
        using var resolved = await fixture.Api.PostAsJsonAsync($"/api/v1/ops/exceptions/{id}/resolve", new { by = "bob", note = "Counted again." });
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        var page = await fixture.OpenConsoleAsync();
        var filters = page.Locator("#exception-filters");
        await filters.GetByLabel("State").SelectOptionAsync("resolved");
        await filters.GetByLabel("Kind").SelectOptionAsync("shortPick");
        await filters.GetByLabel("Subject").FillAsync(orderId);
        await filters.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        var row = page.Locator("#exception-rows tr", new() { HasText = orderId });

        await row.GetByRole(AriaRole.Button, new() { Name = "Reopen" }).ClickAsync();

        await Expect(row.Locator(".state-cell")).ToHaveTextAsync("open");
        Assert.Equal("open", (await ExceptionsOfAsync(orderId))[0].GetProperty("state").GetString());
    }

    [Fact]
    public async Task The_outbound_panel_pauses_and_resumes_a_target()
    {
        var page = await fixture.OpenConsoleAsync();
        var erp = page.Locator("#outbox tr[data-target=erp]");

        await erp.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
        await Expect(erp.Locator(".target-state")).ToHaveTextAsync("paused");
        Assert.True(await PausedAsync("erp"));
        await erp.GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();

        await Expect(erp.Locator(".target-state")).ToHaveTextAsync("delivering");
        Assert.False(await PausedAsync("erp"));
    }

    [Fact]
    public async Task The_ATP_search_explains_a_SKU_location()
    {
        var sku = TestIds.New("SKU");
        var reservationId = TestIds.New("cart");
        await fixture.Api.ReceiveAsync(sku, 12);
        await fixture.Api.ReserveCreatedAsync(new { reservationId, sku, location = GridHttp.Dc1, quantity = 5, channel = "web", ttlSeconds = 600 });
        var page = await fixture.OpenConsoleAsync();

        await page.GetByRole(AriaRole.Search).GetByLabel("SKU-location").FillAsync($"{sku}@{GridHttp.Dc1}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Explain" }).ClickAsync();

        await Expect(page.GetByTestId("atp-available")).ToHaveTextAsync("7");
        var explanation = page.Locator("#atp-explanation");
        await Expect(explanation.Locator("tr", new() { HasText = "reserved (active reservations)" })).ToContainTextAsync("5");
        await Expect(explanation.Locator("tr", new() { HasText = reservationId })).ToContainTextAsync("web");
    }

    [Fact]
    public async Task The_KPI_panel_shows_how_long_exceptions_took_to_resolve()
    {
        // A transfer of 5 out of 2 units: a negative on-hand exception, which nothing else in this grid raises.
        var key = $"{TestIds.New("SKU")}@{GridHttp.Dc1}";
        var sku = key.Split('@')[0];
        await fixture.Api.ReceiveAsync(sku, 2);
        await fixture.Api.SendEventsAsync(GridHttp.Event("transferOut", sku, GridHttp.Dc1, null, null, ("quantity", 5L)));
        var id = await Eventually.ReadAsync(() => NegativeOnHandIdAsync(key), found => found is not null, $"the negative on-hand of {key} in the queue");
        fixture.Clock.Advance(TimeSpan.FromMinutes(30));
        using var resolved = await fixture.Api.PostAsJsonAsync($"/api/v1/ops/exceptions/{id}/resolve", new { by = "carol", note = "The transfer was 2, not 5." });
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        await fixture.Api.KpisWhenAsync(k => k.GetProperty("exceptionResolution").EnumerateArray().Any(r => r.GetProperty("kind").GetString() == "negativeOnHand"), "the resolution in the KPIs");

        var page = await fixture.OpenConsoleAsync();

        await Expect(page.Locator("#kpis tr[data-kind=negativeOnHand] td")).ToHaveTextAsync(["negativeOnHand", "1", "30 min", "30 min"]);
        await Expect(page.Locator("#kpis svg[aria-label='Exceptions resolved trend'] polyline")).ToHaveCountAsync(1);
    }

    /// <summary>
    /// Opens the console and says how the browser was answered. Chromium either shows a 401 or, when it answered the Basic
    /// challenge with a key and was challenged again (or had none to give), ends the navigation in
    /// ERR_INVALID_AUTH_CREDENTIALS, where a person would be prompted for the key.
    /// </summary>
    private async Task<HttpStatusCode> NavigationStatusAsync(IPage page)
    {
        try
        {
            return (HttpStatusCode)(await page.GotoAsync(fixture.ConsoleUrl))!.Status;
        }
        catch (PlaywrightException refused) when (refused.Message.Contains("ERR_INVALID_AUTH_CREDENTIALS", StringComparison.Ordinal))
        {
            return HttpStatusCode.Unauthorized;
        }
    }

    /// <summary>An order at a location of its own, released, then short-picked by 3: the queue lists its shortPick exception.</summary>
    private async Task<string> ShortPickedOrderAsync()
    {
        var world = new OrderWorld(fixture.Api);
        var (dc1, orderId) = (world.Location("DC1"), world.Id("O"));
        await world.AddLocationAsync(dc1, 1);
        await fixture.Api.ReceiveAsync(world.Sku, 10, dc1);
        await world.SubmitCreatedAsync(world.Order(orderId));
        await world.SendAsync(world.ShortPick(orderId, dc1, 3));
        await Eventually.ThatAsync(async () => (await ExceptionsOfAsync(orderId)).Length == 1, "the short pick in the exception queue");
        return orderId;
    }

    private async Task<JsonElement[]> ExceptionsOfAsync(string orderId)
    {
        using var response = await fixture.Api.GetAsync(new Uri($"/api/v1/ops/exceptions?kind=shortPick&orderId={orderId}", UriKind.Relative));
        return [.. (await response.ReadJsonAsync()).GetProperty("exceptions").EnumerateArray()];
    }

    private async Task<string?> NegativeOnHandIdAsync(string skuLocation)
    {
        using var response = await fixture.Api.GetAsync(new Uri($"/api/v1/ops/exceptions?kind=negativeOnHand&subjectId={skuLocation}", UriKind.Relative));
        return (await response.ReadJsonAsync()).GetProperty("exceptions").EnumerateArray().Select(e => e.GetProperty("id").GetString()).SingleOrDefault();
    }

    private async Task<bool> PausedAsync(string target)
    {
        using var response = await fixture.Api.GetAsync(new Uri("/api/v1/ops/outbox", UriKind.Relative));
        return (await response.ReadJsonAsync()).GetProperty("targets").EnumerateArray()
            .Single(t => t.GetProperty("target").GetString() == target).GetProperty("paused").GetBoolean();
    }
}
