using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grid.Tests.Gateway;

namespace Grid.Tests.Outbound;

/// <summary>
/// Stock snapshots over HTTP, now that each location's snapshots are split by SKU over shards: one report per snapshot
/// all the same, idempotent by snapshot id, and locations that do not wait for each other.
/// </summary>
[Trait("Category", "Gateway")]
public sealed class StockReconciliationTests(OutboundApiFactory factory) : IClassFixture<OutboundApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();
    private readonly string _tag = TestIds.Tag();

    private static readonly DateTimeOffset TakenAt = DateTimeOffset.UtcNow;

    private static object Snapshot(string snapshotId, string location, IEnumerable<(string Sku, long OnHand)> items)
        => new { snapshotId, location, takenAt = TakenAt, items = items.Select(i => new { sku = i.Sku, onHand = i.OnHand }).ToArray() };

    private async Task<JsonElement> PostAsync(object snapshot)
    {
        using var response = await _client.PostAsJsonAsync("/api/v1/erp/stock-snapshots", snapshot);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    private int DiscrepancyEvents(string location, string snapshotId)
        => factory.Receiver.AcceptedUnder($"reconciliation/{location}/").Count(r => r.Target == "erp" && r.Data.GetProperty("snapshotId").GetString() == snapshotId);

    [Fact]
    public async Task A_snapshot_spread_over_several_shards_is_one_report_with_every_discrepancy_in_its_order()
    {
        var location = $"SH-{_tag}";
        var skus = Enumerable.Range(0, 40).Select(i => $"SKU-{_tag}-{i:D2}").ToList();
        foreach (var sku in skus.Take(3))
        {
            await _client.ReceiveAsync(sku, 10, location);
        }

        await Eventually.ThatAsync(async () => (await Task.WhenAll(skus.Take(3).Select(s => _client.AvailableAsync(s)))).All(a => a == 10), "the receipts applied");
        var snapshotId = TestIds.New("SNAP");

        var report = await PostAsync(Snapshot(snapshotId, location, skus.Select(s => (s, 10L))));

        Assert.Equal((40, 3), (report.GetProperty("compared").GetInt32(), report.GetProperty("matched").GetInt32()));
        Assert.Equal(skus.Skip(3), report.GetProperty("discrepancies").Strings("sku"));
        Assert.All(report.GetProperty("discrepancies").EnumerateArray(), d => Assert.Equal(-10, d.GetProperty("difference").GetInt64()));
        var listed = (await (await _client.GetAsync($"/api/v1/ops/reconciliation?location={location}")).ReadJsonAsync()).GetProperty("reports")[0];
        Assert.Equal(skus.Skip(3), listed.GetProperty("discrepancies").Strings("sku"));

        // Each shard publishes its own discrepancies, under its own subject.
        await Eventually.ThatAsync(() => Task.FromResult(DiscrepancyEvents(location, snapshotId) == 37), "37 discrepancy events at the ERP");
        Assert.True(factory.Receiver.AcceptedUnder($"reconciliation/{location}/").Select(r => r.Subject).Distinct().Count() > 1, "events from several shards");
    }

    [Fact]
    public async Task A_repeat_in_any_order_answers_the_stored_report_and_other_content_under_its_id_is_refused()
    {
        var location = $"RP-{_tag}";
        var items = Enumerable.Range(0, 20).Select(i => ($"SKU-{_tag}-{i:D2}", (long)i + 1)).ToList();
        var snapshotId = TestIds.New("SNAP");
        var first = await PostAsync(Snapshot(snapshotId, location, items));
        await Eventually.ThatAsync(() => Task.FromResult(DiscrepancyEvents(location, snapshotId) == 20), "20 discrepancy events at the ERP");

        var again = await PostAsync(Snapshot(snapshotId, location, items));
        var reordered = await PostAsync(Snapshot(snapshotId, location, Enumerable.Reverse(items)));

        Assert.Equal(first.GetRawText(), again.GetRawText());
        Assert.Equal(first.GetRawText(), reordered.GetRawText());
        using var reused = await _client.PostAsJsonAsync("/api/v1/erp/stock-snapshots", Snapshot(snapshotId, location, items.Take(19)));
        await reused.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        var reports = (await (await _client.GetAsync($"/api/v1/ops/reconciliation?location={location}")).ReadJsonAsync()).GetProperty("reports");
        Assert.Equal(1, reports.GetArrayLength());
        Assert.Equal(20, DiscrepancyEvents(location, snapshotId));
    }

    [Fact]
    public async Task Two_locations_reconcile_independently_and_the_list_merges_them_newest_first()
    {
        var (east, west) = ($"E-{_tag}", $"W-{_tag}");
        var sku = $"SKU-{_tag}";
        await _client.ReceiveAsync(sku, 5, east);
        await Eventually.ThatAsync(async () => await _client.AvailableAsync(sku) == 5, "the receipt applied");

        var atEast = await PostAsync(Snapshot(TestIds.New("SNAP"), east, [(sku, 5)]));
        var atWest = await PostAsync(Snapshot(TestIds.New("SNAP"), west, [(sku, 5)]));

        Assert.Equal((1, 0), (atEast.GetProperty("matched").GetInt32(), atEast.GetProperty("discrepancies").GetArrayLength()));
        Assert.Equal(-5, atWest.GetProperty("discrepancies")[0].GetProperty("difference").GetInt64());
        var westOnly = (await (await _client.GetAsync($"/api/v1/ops/reconciliation?location={west}")).ReadJsonAsync()).GetProperty("reports");
        Assert.Equal([west], westOnly.Strings("location"));
        var all = (await (await _client.GetAsync("/api/v1/ops/reconciliation?limit=200")).ReadJsonAsync()).GetProperty("reports");
        var ours = all.EnumerateArray().Where(r => r.GetProperty("location").GetString() is { } l && (l == east || l == west)).Select(r => r.GetProperty("location").GetString()).ToList();
        Assert.Equal([west, east], ours);
        Assert.True(all.EnumerateArray().Select(r => r.GetProperty("reconciledAt").GetDateTimeOffset()).SequenceEqual(
            all.EnumerateArray().Select(r => r.GetProperty("reconciledAt").GetDateTimeOffset()).OrderDescending()), "newest first");
    }

    [Fact]
    public async Task A_snapshot_id_taken_at_one_location_is_refused_at_another()
    {
        var snapshotId = TestIds.New("SNAP");
        await PostAsync(Snapshot(snapshotId, $"A-{_tag}", [($"SKU-{_tag}", 1)]));

        using var elsewhere = await _client.PostAsJsonAsync("/api/v1/erp/stock-snapshots", Snapshot(snapshotId, $"B-{_tag}", [($"SKU-{_tag}", 1)]));

        await elsewhere.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(0, (await (await _client.GetAsync($"/api/v1/ops/reconciliation?location=B-{_tag}")).ReadJsonAsync()).GetProperty("reports").GetArrayLength());
    }
}
