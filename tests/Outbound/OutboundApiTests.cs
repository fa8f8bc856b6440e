using System.Net;
using System.Net.Http.Json;
using Grid.Tests.Gateway;
using Microsoft.AspNetCore.Hosting;

namespace Grid.Tests.Outbound;

/// <summary>The dev-mode process with outbound targets <c>erp</c> (every type) and <c>crm</c> (orders) at a local receiver.</summary>
public class OutboundApiFactory : GridApiFactory, IAsyncLifetime
{
    public WebhookReceiver Receiver { get; private set; } = null!;

    public async Task InitializeAsync() => Receiver = await WebhookReceiver.StartAsync();

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Receiver.DisposeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Grid:Outbound:Targets:erp:Url", Receiver.Url("erp"));
        builder.UseSetting("Grid:Outbound:Targets:erp:Secret", WebhookReceiver.Secret);
        builder.UseSetting("Grid:Outbound:Targets:erp:EventTypes:0", "*");
        builder.UseSetting("Grid:Outbound:Targets:crm:Url", Receiver.Url("crm"));
        builder.UseSetting("Grid:Outbound:Targets:crm:Secret", WebhookReceiver.PlainSecret);
        builder.UseSetting("Grid:Outbound:Targets:crm:EventTypes:0", "grid.order.*");
    }
}

/// <summary>The ops endpoints for outbound delivery and the ERP's stock snapshots, over HTTP.</summary>
[Trait("Category", "Gateway")]
public sealed class OutboundApiTests(OutboundApiFactory factory) : IClassFixture<OutboundApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Ops_see_every_target_pause_and_resume_it_and_get_a_clear_answer_for_one_that_does_not_exist()
    {
        var outbox = await (await _client.GetAsync("/api/v1/ops/outbox")).ReadJsonAsync();
        Assert.Equal(["crm", "erp"], outbox.GetProperty("targets").Strings("target"));
        var erp = outbox.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("target").GetString() == "erp");
        foreach (var member in new[] { "depth", "oldestAgeSeconds", "delivered", "failedAttempts", "deadLetters", "paused", "lagP99Seconds" })
        {
            Assert.True(erp.TryGetProperty(member, out _), member);
        }

        var paused = await (await _client.PostAsync("/api/v1/ops/outbox/crm/pause", null)).ReadJsonAsync();
        Assert.True(paused.GetProperty("paused").GetBoolean());
        Assert.True((await (await _client.GetAsync("/api/v1/ops/outbox")).ReadJsonAsync()).GetProperty("targets")[0].GetProperty("paused").GetBoolean());
        Assert.False((await (await _client.PostAsync("/api/v1/ops/outbox/crm/resume", null)).ReadJsonAsync()).GetProperty("paused").GetBoolean());

        await (await _client.PostAsync("/api/v1/ops/outbox/nowhere/pause", null)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await _client.GetAsync("/api/v1/ops/outbox/nowhere/dead-letters")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await _client.GetAsync("/api/v1/ops/outbox/erp/dead-letters/no-such-id")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, (await (await _client.PostAsJsonAsync("/api/v1/ops/outbox/erp/dead-letters/replay", new { })).ReadJsonAsync()).GetProperty("replayed").GetInt32());
        await (await _client.PostAsJsonAsync("/api/v1/ops/outbox/erp/dead-letters/replay", new { ids = Array.Empty<string>() })).AssertBadRequestNamingAsync("ids");
    }

    [Fact]
    public async Task Redelivery_names_a_bad_sequence_and_says_when_nothing_was_sent_from_it()
    {
        await (await _client.PostAsJsonAsync("/api/v1/ops/outbox/erp/redeliver", new { subject = "order/x" })).AssertBadRequestNamingAsync("fromSequence");
        await (await _client.PostAsJsonAsync("/api/v1/ops/outbox/erp/redeliver", new { subject = "order/x", fromSequence = "abc" })).AssertBadRequestNamingAsync("fromSequence");
        await (await _client.PostAsJsonAsync("/api/v1/ops/outbox/erp/redeliver", new { fromSequence = 1 })).AssertBadRequestNamingAsync("subject");
        var nothing = await (await _client.PostAsJsonAsync("/api/v1/ops/outbox/erp/redeliver", new { subject = $"order/{TestIds.Tag()}", fromSequence = "00000000000000000001" }))
            .AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(0, nothing.GetProperty("lastSequence").GetInt64());
    }

    [Fact]
    public async Task A_stock_snapshot_is_compared_with_Grid_on_hand_reported_to_ops_and_published_without_changing_either_side()
    {
        var (counted, missing, location) = (TestIds.New("SKU"), TestIds.New("SKU"), "DC7");
        await _client.ReceiveAsync(counted, 10, location);
        await Eventually.ThatAsync(async () => await _client.AvailableAsync(counted) == 10, "the receipt applied");
        var snapshotId = TestIds.New("SNAP");
        var snapshot = new
        {
            snapshotId,
            location,
            takenAt = DateTimeOffset.UtcNow,
            items = new object[] { new { sku = counted, onHand = 12 }, new { sku = missing, onHand = 3 } },
        };

        var response = await _client.PostAsJsonAsync("/api/v1/erp/stock-snapshots", snapshot);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var report = await response.ReadJsonAsync();
        Assert.Equal((2, 0), (report.GetProperty("compared").GetInt32(), report.GetProperty("matched").GetInt32()));
        var differences = report.GetProperty("discrepancies").EnumerateArray().ToDictionary(d => d.GetProperty("sku").GetString()!, d => d.GetProperty("difference").GetInt64());
        Assert.Equal(-2, differences[counted]);
        Assert.Equal(-3, differences[missing]);
        Assert.Equal(10, await _client.AvailableAsync(counted));

        var reports = await (await _client.GetAsync($"/api/v1/ops/reconciliation?location={location}")).ReadJsonAsync();
        Assert.Equal(snapshotId, reports.GetProperty("reports")[0].GetProperty("snapshotId").GetString());

        await Eventually.ThatAsync(
            () => Task.FromResult(factory.Receiver.AcceptedUnder($"reconciliation/{location}/").Count(r => r.Target == "erp" && r.Data.GetProperty("snapshotId").GetString() == snapshotId) == 2),
            "two discrepancy events at the ERP");
        Assert.All(factory.Receiver.AcceptedUnder($"reconciliation/{location}/"), r => Assert.Equal("grid.reconciliation.discrepancy.v1", r.Type));
        Assert.DoesNotContain(factory.Receiver.Accepted, r => r.Target == "crm" && r.Type.StartsWith("grid.reconciliation", StringComparison.Ordinal));

        // The same snapshot again answers the same; its id reused for other counts is refused.
        var again = await (await _client.PostAsJsonAsync("/api/v1/erp/stock-snapshots", snapshot)).ReadJsonAsync();
        Assert.Equal(report.GetProperty("reconciledAt").GetString(), again.GetProperty("reconciledAt").GetString());
        await (await _client.PostAsJsonAsync("/api/v1/erp/stock-snapshots", snapshot with { items = new object[] { new { sku = counted, onHand = 10 } } }))
            .AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task A_bad_stock_snapshot_is_refused_naming_the_item_and_nothing_is_reconciled()
    {
        var snapshotId = TestIds.New("BAD");
        var response = await _client.PostAsJsonAsync("/api/v1/erp/stock-snapshots", new
        {
            snapshotId,
            location = "DC1",
            takenAt = DateTimeOffset.UtcNow,
            items = new object[] { new { sku = "A", onHand = 1 }, new { sku = "B", onHand = -1 } },
        });

        await response.AssertBadRequestNamingAsync("items[1].onHand");
        var reports = await (await _client.GetAsync("/api/v1/ops/reconciliation?limit=200")).ReadJsonAsync();
        Assert.DoesNotContain(reports.GetProperty("reports").EnumerateArray(), r => r.GetProperty("snapshotId").GetString() == snapshotId);
        await (await _client.PostAsJsonAsync("/api/v1/erp/stock-snapshots", new { snapshotId, location = "DC1", takenAt = DateTimeOffset.UtcNow, items = Array.Empty<object>() }))
            .AssertBadRequestNamingAsync("items");
    }
}
