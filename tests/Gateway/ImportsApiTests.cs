using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grid.Gateway.Security;

namespace Grid.Tests.Gateway;

/// <summary><c>/api/v1/imports</c>: each kind from NDJSON and CSV, line errors beside applied lines, idempotency, bad bodies.</summary>
[Trait("Category", "Gateway")]
[Collection(GridApiCollection.Name)]
public sealed class ImportsApiTests(GridApiFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task A_stock_import_sets_on_hand_to_each_count()
    {
        var (a, b) = (TestIds.New("SKU"), TestIds.New("SKU"));

        var status = await _client.ImportAsync("stock", ImportHttp.Lines(
            new { sku = a, location = GridHttp.Dc1, countedQuantity = 40 },
            new { sku = b, location = GridHttp.Dc2, countedQuantity = 7 }));

        Assert.Equal(("completed", 2, 2, 0), (status.GetProperty("state").GetString(), status.GetProperty("totalLines").GetInt32(),
            status.GetProperty("appliedLines").GetInt32(), status.GetProperty("failedLines").GetInt32()));
        Assert.Equal(40, (await _client.GetInventoryAsync(a)).GetProperty("onHand").GetInt64());
        Assert.Equal(7, (await _client.GetInventoryAsync(b, GridHttp.Dc2)).GetProperty("onHand").GetInt64());
    }

    [Fact]
    public async Task A_policy_import_from_CSV_sets_safety_stock_and_ring_fences()
    {
        var sku = TestIds.New("SKU");

        await _client.ImportAsync("policies", $"sku,location,safetyStock,ringFences.web\n{sku},{GridHttp.Dc1},5,3\n", ImportHttp.Csv);

        var detail = await _client.GetInventoryAsync(sku);
        Assert.Equal(5, detail.GetProperty("safetyStock").GetInt64());
        Assert.Contains("web", detail.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_location_import_adds_the_locations_to_sourcing()
    {
        var (location, region) = (TestIds.New("LOC"), TestIds.New("REGION"));

        await _client.ImportAsync("locations", $"location,name,type,regions,priority\n{location},\"Depot, north\",dc,{region}|elsewhere,3\n", ImportHttp.Csv);

        var candidates = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/locations?region={region}");
        var found = Assert.Single(candidates.GetProperty("locations").EnumerateArray());
        Assert.Equal((location, "Depot, north", 3), (found.GetProperty("location").GetString(), found.GetProperty("name").GetString(), found.GetProperty("priority").GetInt32()));
    }

    [Fact]
    public async Task A_credit_import_sets_the_customers_credit()
    {
        var customer = TestIds.New("C");
        var setAt = DateTimeOffset.UtcNow;

        await _client.ImportAsync("credit", ImportHttp.Lines(new { customerId = customer, status = "hold", reason = "onboarding", updatedAt = setAt }));

        // An older update changes nothing and answers what the customer holds: the imported hold.
        using var stale = await _client.PutAsJsonAsync($"/api/v1/customers/{customer}/credit", new { status = "active", updatedAt = setAt.AddHours(-1) });
        var credit = await stale.ReadJsonAsync();
        Assert.Equal(("hold", false), (credit.GetProperty("status").GetString(), credit.GetProperty("applied").GetBoolean()));
    }

    [Fact]
    public async Task Bad_lines_are_reported_by_line_and_field_while_the_good_lines_apply()
    {
        var (good, alsoGood) = (TestIds.New("SKU"), TestIds.New("SKU"));
        var body = string.Join('\n',
            JsonSerializer.Serialize(new { sku = good, location = GridHttp.Dc1, countedQuantity = 10 }),
            JsonSerializer.Serialize(new { sku = TestIds.New("SKU"), location = GridHttp.Dc1, countedQuantity = -1 }),
            "",
            "{not json",
            JsonSerializer.Serialize(new { sku = alsoGood, location = GridHttp.Dc1, countedQuantity = "many" }),
            JsonSerializer.Serialize(new { sku = alsoGood, location = GridHttp.Dc1, countedQuantity = 12 }));

        var status = await _client.ImportAsync("stock", body);

        Assert.Equal(("completed", 5, 2, 3), (status.GetProperty("state").GetString(), status.GetProperty("totalLines").GetInt32(),
            status.GetProperty("appliedLines").GetInt32(), status.GetProperty("failedLines").GetInt32()));
        var errors = status.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("line").GetInt32(), e.GetProperty("field").GetString())).ToArray();
        Assert.Equal([(2, "countedQuantity"), (4, null), (5, "countedQuantity")], errors);
        Assert.Equal(12, (await _client.GetInventoryAsync(alsoGood)).GetProperty("onHand").GetInt64());
    }

    [Fact]
    public async Task Sending_an_import_again_with_its_key_is_the_same_import_applied_once()
    {
        var (sku, key) = (TestIds.New("SKU"), TestIds.New("IMPORT"));
        var body = ImportHttp.Lines(new { sku, location = GridHttp.Dc1, countedQuantity = 25 });
        var first = await _client.ImportAsync("stock", body, key: key);

        using var again = await _client.PostImportAsync("stock", body, key: key);

        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal($"/api/v1/imports/{key}", again.Headers.Location?.OriginalString);
        var second = await again.ReadJsonAsync();
        Assert.Equal((key, first.GetProperty("createdAt").GetString()), (second.GetProperty("importId").GetString(), second.GetProperty("createdAt").GetString()));
        var counts = (await _client.GetInventoryAsync(sku)).GetProperty("recentMovements").EnumerateArray().Count(m => m.GetProperty("type").GetString() == "cycleCount");
        Assert.Equal(1, counts);
    }

    [Fact]
    public async Task A_key_already_naming_an_import_of_another_kind_answers_409()
    {
        var key = TestIds.New("IMPORT");
        await _client.ImportAsync("stock", ImportHttp.Lines(new { sku = TestIds.New("SKU"), location = GridHttp.Dc1, countedQuantity = 1 }), key: key);

        using var response = await _client.PostImportAsync("credit", ImportHttp.Lines(new { customerId = "C-1", status = "hold", updatedAt = DateTimeOffset.UtcNow }), key: key);

        await response.AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task The_import_list_shows_the_latest_import_first()
    {
        var status = await _client.ImportAsync("stock", ImportHttp.Lines(new { sku = TestIds.New("SKU"), location = GridHttp.Dc1, countedQuantity = 1 }));

        var list = await _client.GetFromJsonAsync<JsonElement>("/api/v1/imports?limit=5");

        Assert.Contains(status.GetProperty("importId").GetString(), list.GetProperty("imports").Strings("importId"));
    }

    [Fact]
    public async Task An_unknown_kind_answers_400_naming_kind()
    {
        using var response = await _client.PostImportAsync("prices", "{}");

        await response.AssertBadRequestNamingAsync("kind");
    }

    [Fact]
    public async Task A_body_that_is_neither_NDJSON_nor_CSV_answers_415()
    {
        using var response = await _client.PostImportAsync("stock", "{}", "application/json");

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task A_CSV_header_naming_an_unknown_column_answers_400_and_starts_nothing()
    {
        var key = TestIds.New("IMPORT");

        using var response = await _client.PostImportAsync("stock", "sku,location,count\nA,DC1,3\n", ImportHttp.Csv, key);

        var problem = await response.AssertBadRequestNamingAsync("body");
        Assert.Contains("'count'", problem.GetRawText(), StringComparison.Ordinal);
        using var status = await _client.GetAsync(new Uri($"/api/v1/imports/{key}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
    }

    [Fact]
    public async Task A_credit_import_needs_the_erp_role()
    {
        using var ops = factory.CreateAnonymousClient();
        ops.DefaultRequestHeaders.Add(GridAuthOptions.HeaderName, DevKeys.For(GridRoles.Ops));

        using var response = await ops.PostImportAsync("credit", ImportHttp.Lines(new { customerId = "C-1", status = "hold", updatedAt = DateTimeOffset.UtcNow }));

        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
    }
}
