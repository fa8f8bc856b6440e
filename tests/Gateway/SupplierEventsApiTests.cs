using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Grid.Tests.Gateway;

/// <summary><c>POST /api/v1/supplier/events</c>: inbound supply and its ETAs per SKU-location, per-item results.</summary>
[Trait("Category", "Gateway")]
[Collection(GridApiCollection.Name)]
public sealed class SupplierEventsApiTests(GridApiFactory factory)
{
    private static readonly DateTimeOffset Eta = new(2030, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task A_PO_acknowledgement_puts_inbound_supply_with_its_ETA_on_each_SKU_location_of_its_lines()
    {
        var sku = TestIds.New("SKU");
        var po = TestIds.New("PO");

        var result = await SendAsync(PoAcknowledged(po, (sku, GridHttp.Dc1, 100, Eta), (sku, GridHttp.Dc2, 40, Eta.AddDays(2))));

        Assert.Equal(1, result.GetProperty("accepted").GetInt32());
        Assert.Equal([(po, 100L, Eta)], await InboundWhenAsync(sku, GridHttp.Dc1, lines => lines.Count == 1));
        Assert.Equal([(po, 40L, Eta.AddDays(2))], await InboundWhenAsync(sku, GridHttp.Dc2, lines => lines.Count == 1));
    }

    [Fact]
    public async Task An_ASN_takes_its_quantity_from_the_PO_it_ships_against()
    {
        var sku = TestIds.New("SKU");
        var po = TestIds.New("PO");
        var asn = TestIds.New("ASN");
        await SendAsync(PoAcknowledged(po, (sku, GridHttp.Dc1, 100, Eta)));
        await InboundWhenAsync(sku, GridHttp.Dc1, lines => lines.Count == 1);

        await SendAsync(Supplier("asn", ("asnId", asn), ("poId", po), ("lines", new[] { Line(sku, GridHttp.Dc1, 60, Eta.AddDays(-5)) })));

        var inbound = await InboundWhenAsync(sku, GridHttp.Dc1, lines => lines.Count == 2);
        Assert.Contains((asn, 60L, Eta.AddDays(-5)), inbound);
        Assert.Contains((po, 40L, Eta), inbound);
    }

    [Fact]
    public async Task A_delay_naming_only_the_PO_moves_its_ETA_at_every_SKU_location_it_supplies()
    {
        var sku = TestIds.New("SKU");
        var po = TestIds.New("PO");
        var later = Eta.AddDays(14);
        await SendAsync(PoAcknowledged(po, (sku, GridHttp.Dc1, 10, Eta), (sku, GridHttp.Dc2, 20, Eta)));

        var result = await SendAsync(Supplier("delay", ("poId", po), ("newEta", later)));

        Assert.Equal(1, result.GetProperty("accepted").GetInt32());
        Assert.Equal([(po, 10L, later)], await InboundWhenAsync(sku, GridHttp.Dc1, lines => lines.Count == 1 && lines[0].Eta == later));
        Assert.Equal([(po, 20L, later)], await InboundWhenAsync(sku, GridHttp.Dc2, lines => lines.Count == 1 && lines[0].Eta == later));
    }

    [Fact]
    public async Task Supply_due_by_a_date_counts_in_ATP_for_that_date()
    {
        var sku = TestIds.New("SKU");
        await SendAsync(PoAcknowledged(TestIds.New("PO"), (sku, GridHttp.Dc1, 30, Eta)));
        await InboundWhenAsync(sku, GridHttp.Dc1, lines => lines.Count == 1);

        Assert.Equal(0, await _client.AvailableAsync(sku));
        Assert.Equal(30, await _client.AvailableAsync(sku, $"?date={Eta.AddDays(1):yyyy-MM-dd}"));
    }

    [Fact]
    public async Task A_delay_without_lines_for_a_PO_Grid_does_not_know_is_rejected_naming_lines()
    {
        var result = await SendAsync(Supplier("delay", ("poId", TestIds.New("PO")), ("newEta", Eta)));

        Assert.Equal(0, result.GetProperty("accepted").GetInt32());
        var rejected = Assert.Single(result.GetProperty("rejected").EnumerateArray());
        Assert.Contains("'lines'", rejected.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_PO_acknowledgement_line_without_an_ETA_is_rejected_naming_it_and_nothing_of_that_event_is_stored()
    {
        var sku = TestIds.New("SKU");
        var good = PoAcknowledged(TestIds.New("PO"), (sku, GridHttp.Dc2, 5, Eta));
        var bad = Supplier("poAcknowledged", ("poId", TestIds.New("PO")), ("lines", new object[]
        {
            Line(sku, GridHttp.Dc1, 10, Eta),
            new Dictionary<string, object?> { ["sku"] = sku, ["location"] = GridHttp.Dc1, ["quantity"] = 3 },
        }));

        var result = await SendAsync(bad, good);

        Assert.Equal(1, result.GetProperty("accepted").GetInt32());
        var rejected = Assert.Single(result.GetProperty("rejected").EnumerateArray());
        Assert.Equal(0, rejected.GetProperty("index").GetInt32());
        Assert.Contains("lines[1].eta", rejected.GetProperty("error").GetString(), StringComparison.Ordinal);
        await InboundWhenAsync(sku, GridHttp.Dc2, lines => lines.Count == 1);
        using var untouched = await _client.GetAsync(new Uri($"/api/v1/inventory/{sku}@{GridHttp.Dc1}", UriKind.Relative));
        Assert.Empty((await untouched.ReadJsonAsync()).GetProperty("inbound").EnumerateArray());
    }

    [Fact]
    public async Task A_supplier_event_of_an_unknown_type_is_rejected_naming_the_type()
    {
        var result = await SendAsync(Supplier("invoice", ("poId", TestIds.New("PO"))));

        var rejected = Assert.Single(result.GetProperty("rejected").EnumerateArray());
        Assert.Contains("'invoice' is not a supplier event type", rejected.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_without_events_is_refused_with_400_naming_events()
    {
        using var response = await _client.PostRawJsonAsync("/api/v1/supplier/events", """{"items":[]}""");

        await response.AssertBadRequestNamingAsync("events");
    }

    private static Dictionary<string, object?> PoAcknowledged(string po, params (string Sku, string Location, long Quantity, DateTimeOffset Eta)[] lines)
        => Supplier("poAcknowledged", ("poId", po), ("lines", lines.Select(l => Line(l.Sku, l.Location, l.Quantity, l.Eta)).ToArray()));

    private static Dictionary<string, object?> Line(string sku, string location, long quantity, DateTimeOffset eta)
        => new() { ["sku"] = sku, ["location"] = location, ["quantity"] = quantity, ["eta"] = eta };

    private static Dictionary<string, object?> Supplier(string type, params (string Name, object? Value)[] fields)
    {
        var e = new Dictionary<string, object?>
        {
            ["eventId"] = TestIds.New("SUP"),
            ["source"] = "supplier-test",
            ["occurredAt"] = DateTimeOffset.UtcNow,
            ["type"] = type,
        };
        foreach (var (name, value) in fields)
        {
            e[name] = value;
        }

        return e;
    }

    private async Task<JsonElement> SendAsync(params object[] events)
    {
        using var response = await _client.PostAsJsonAsync("/api/v1/supplier/events", new { events });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    /// <summary>The inbound lines of a SKU-location once they satisfy <paramref name="condition"/> (queued events apply a moment after the 202).</summary>
    private async Task<List<(string Reference, long Quantity, DateTimeOffset Eta)>> InboundWhenAsync(
        string sku, string location, Func<List<(string Reference, long Quantity, DateTimeOffset Eta)>, bool> condition)
    {
        List<(string, long, DateTimeOffset)> lines = [];
        await Eventually.ThatAsync(async () =>
        {
            using var response = await _client.GetAsync(new Uri($"/api/v1/inventory/{sku}@{location}", UriKind.Relative));
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return false;
            }

            lines = [.. (await response.ReadJsonAsync()).GetProperty("inbound").EnumerateArray().Select(l => (
                l.GetProperty("reference").GetString()!, l.GetProperty("quantity").GetInt64(), l.GetProperty("eta").GetDateTimeOffset()))];
            return condition(lines);
        }, $"the inbound supply of {sku}@{location}");
        return lines;
    }
}
