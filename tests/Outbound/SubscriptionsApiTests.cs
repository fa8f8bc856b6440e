using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grid.Tests.Gateway;
using Grid.Tests.Kpis;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Grid.Tests.Outbound;

/// <summary>
/// <see cref="OutboundApiFactory"/> (configured targets <c>erp</c> and <c>crm</c> at a local receiver) on a clock the
/// tests move on (<see cref="ShiftedClock"/>); the tests make subscriptions of their own (each a new name) at the same receiver.
/// </summary>
public sealed class SubscriptionsApiFactory : OutboundApiFactory
{
    public ShiftedClock Clock { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
        });
    }
}

/// <summary>Webhook subscriptions made, changed, rotated and deleted over HTTP, and what their receivers get.</summary>
[Trait("Category", "Gateway")]
public sealed class SubscriptionsApiTests(SubscriptionsApiFactory factory) : IClassFixture<SubscriptionsApiFactory>
{
    private const string Availability = "grid.inventory.availability.changed.v1";

    private static readonly string[] Orders = ["grid.order.*"];

    private readonly HttpClient _client = factory.CreateClient();

    private WebhookReceiver Receiver => factory.Receiver;

    [Fact]
    public async Task A_subscription_is_listed_beside_the_configured_targets_and_its_generated_secret_is_shown_only_once()
    {
        var name = NewName();
        using var created = await _client.PostAsJsonAsync("/api/v1/ops/subscriptions", new { name, url = Receiver.Url(name), eventTypes = Orders });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.ReadJsonAsync();
        Assert.StartsWith("whsec_", body.GetProperty("secret").GetString(), StringComparison.Ordinal);
        Assert.Equal("api", body.GetProperty("subscription").GetProperty("source").GetString());

        var list = await (await _client.GetAsync("/api/v1/ops/subscriptions")).ReadJsonAsync();
        var subscriptions = list.GetProperty("subscriptions");
        Assert.Contains(name, subscriptions.Strings("name"));
        Assert.Equal("configuration", subscriptions.EnumerateArray().Single(s => s.GetProperty("name").GetString() == "erp").GetProperty("source").GetString());
        var one = await _client.GetStringAsync($"/api/v1/ops/subscriptions/{name}");
        Assert.DoesNotContain("secret\"", one, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("whsec_", one, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("url", """{"name":"N","url":"ftp://example.com/hook","eventTypes":["grid.order.*"]}""")]
    [InlineData("eventTypes[0]", """{"name":"N","url":"http://127.0.0.1:1/h","eventTypes":["grid.nothing.v1"]}""")]
    [InlineData("eventTypes", """{"name":"N","url":"http://127.0.0.1:1/h","eventTypes":[]}""")]
    [InlineData("batchSize", """{"name":"N","url":"http://127.0.0.1:1/h","eventTypes":["*"],"batchSize":0}""")]
    [InlineData("maxRequestsPerSecond", """{"name":"N","url":"http://127.0.0.1:1/h","eventTypes":["*"],"maxRequestsPerSecond":-1}""")]
    [InlineData("start", """{"name":"N","url":"http://127.0.0.1:1/h","eventTypes":["*"],"start":"yesterday"}""")]
    [InlineData("secret", """{"name":"N","url":"http://127.0.0.1:1/h","eventTypes":["*"],"secret":"whsec_!!"}""")]
    [InlineData("name", """{"name":"no spaces here","url":"http://127.0.0.1:1/h","eventTypes":["*"]}""")]
    public async Task A_bad_setting_is_refused_naming_its_field_and_nothing_is_stored(string field, string json)
    {
        var name = NewName();
        await (await _client.PostRawJsonAsync("/api/v1/ops/subscriptions", json.Replace("\"N\"", $"\"{name}\"", StringComparison.Ordinal)))
            .AssertBadRequestNamingAsync(field);
        await (await _client.GetAsync($"/api/v1/ops/subscriptions/{name}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_name_that_exists_or_belongs_to_a_configured_target_is_a_conflict()
    {
        var name = NewName();
        var request = new { name, url = Receiver.Url(name), eventTypes = Orders };
        Assert.Equal(HttpStatusCode.Created, (await _client.PostAsJsonAsync("/api/v1/ops/subscriptions", request)).StatusCode);
        await (await _client.PostAsJsonAsync("/api/v1/ops/subscriptions", request)).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await _client.PostAsJsonAsync("/api/v1/ops/subscriptions", request with { name = "erp" })).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await _client.PutAsJsonAsync("/api/v1/ops/subscriptions/erp", new { batchSize = 5 })).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await _client.DeleteAsync("/api/v1/ops/subscriptions/erp")).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await _client.DeleteAsync($"/api/v1/ops/subscriptions/{NewName()}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_update_changes_the_settings_it_names_and_pause_shows_under_the_outbox()
    {
        var name = NewName();
        await CreateAsync(name, Orders);
        var updated = await (await _client.PutAsJsonAsync($"/api/v1/ops/subscriptions/{name}", new { batchSize = 10, maxConcurrentRequests = 2 })).ReadJsonAsync();
        Assert.Equal(10, updated.GetProperty("batchSize").GetInt32());
        Assert.Equal(2, updated.GetProperty("maxConcurrentRequests").GetInt32());
        Assert.Equal(["grid.order.*"], updated.GetProperty("eventTypes").EnumerateArray().Select(e => e.GetString()));
        await (await _client.PutAsJsonAsync($"/api/v1/ops/subscriptions/{name}", new { batchSize = 1000 })).AssertBadRequestNamingAsync("batchSize");

        Assert.True((await (await _client.PostAsync($"/api/v1/ops/subscriptions/{name}/pause", null)).ReadJsonAsync()).GetProperty("paused").GetBoolean());
        var outbox = await (await _client.GetAsync("/api/v1/ops/outbox")).ReadJsonAsync();
        Assert.True(outbox.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("target").GetString() == name).GetProperty("paused").GetBoolean());
        Assert.False((await (await _client.PostAsync($"/api/v1/ops/subscriptions/{name}/resume", null)).ReadJsonAsync()).GetProperty("paused").GetBoolean());
    }

    [Fact]
    public async Task A_subscription_from_now_gets_changes_made_after_it_signed_with_its_secret_and_none_from_before()
    {
        var (before, after, name) = (TestIds.New("SKU"), TestIds.New("SKU"), NewName());
        await ReceiveAppliedAsync(before);
        await CreateAsync(name, [Availability], start: "now");

        await ReceiveAppliedAsync(after);
        var got = await DeliveredAsync(name, after, "the change after the subscription, delivered");
        Assert.True(got.SignatureValid);
        Assert.DoesNotContain(Receiver.All, r => r.Target == name && r.Subject == Subject(before));
    }

    [Fact]
    public async Task An_outbox_event_raised_before_a_subscription_is_not_sent_to_it()
    {
        var (name, sku, early, late) = (NewName(), TestIds.New("SKU"), TestIds.New("RES"), TestIds.New("RES"));
        await ReceiveAppliedAsync(sku);
        await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 1, early));
        await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 1, late));
        Assert.True((await _client.ReleaseAsync(sku, early)).IsSuccessStatusCode);
        await Eventually.ThatAsync(() => Task.FromResult(Receiver.AcceptedFor(Released(sku, early)).Any(r => r.Target == "erp")), "the early release, at the configured target");

        await CreateAsync(name, ["grid.reservation.*"]);
        Assert.True((await _client.ReleaseAsync(sku, late)).IsSuccessStatusCode);
        await Eventually.ThatAsync(() => Task.FromResult(Receiver.AcceptedFor(Released(sku, late)).Any(r => r.Target == name)), "the later release, at the subscription");
        Assert.DoesNotContain(Receiver.All, r => r.Target == name && r.Subject == Released(sku, early));
    }

    [Fact]
    public async Task A_subscription_from_a_snapshot_gets_every_SKU_location_current_availability_once()
    {
        var (before, name) = (TestIds.New("SKU"), NewName());
        await ReceiveAppliedAsync(before, 7);
        await CreateAsync(name, [Availability], start: "snapshot");

        var got = await DeliveredAsync(name, before, "the earlier SKU-location's availability");
        Assert.Equal(7, got.Data.GetProperty("onHand").GetInt64());
        Assert.Single(Receiver.Accepted, r => r.Target == name && r.Subject == Subject(before));
    }

    [Fact]
    public async Task A_paused_subscription_keeps_its_events_and_gets_them_when_resumed()
    {
        var (name, sku) = (NewName(), TestIds.New("SKU"));
        await CreateAsync(name, ["grid.reservation.*"]);
        Assert.Equal(HttpStatusCode.OK, (await _client.PostAsync($"/api/v1/ops/subscriptions/{name}/pause", null)).StatusCode);
        var reservation = TestIds.New("RES");
        await ReceiveAppliedAsync(sku);
        await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 1, reservation));
        Assert.True((await _client.ReleaseAsync(sku, reservation)).IsSuccessStatusCode);
        await Eventually.ThatAsync(async () => await DepthAsync(name) == 1, "the release waiting at the paused subscription");
        Assert.DoesNotContain(Receiver.All, r => r.Target == name);

        Assert.Equal(HttpStatusCode.OK, (await _client.PostAsync($"/api/v1/ops/subscriptions/{name}/resume", null)).StatusCode);
        await Eventually.ThatAsync(() => Task.FromResult(Receiver.AcceptedFor(Released(sku, reservation)).Any(r => r.Target == name)), "the release, delivered after resuming");
    }

    [Fact]
    public async Task A_deleted_subscription_gets_nothing_more()
    {
        var (deleted, witness, sku) = (NewName(), NewName(), TestIds.New("SKU"));
        await CreateAsync(deleted, [Availability]);
        await CreateAsync(witness, [Availability]);
        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"/api/v1/ops/subscriptions/{deleted}")).StatusCode);
        await (await _client.GetAsync($"/api/v1/ops/subscriptions/{deleted}")).AssertProblemAsync(HttpStatusCode.NotFound);

        await ReceiveAppliedAsync(sku);
        await DeliveredAsync(witness, sku, "the change, at the subscription still there");
        Assert.DoesNotContain(Receiver.All, r => r.Target == deleted);
        var outbox = await (await _client.GetAsync("/api/v1/ops/outbox")).ReadJsonAsync();
        Assert.DoesNotContain(deleted, outbox.GetProperty("targets").Strings("target"));
    }

    [Fact]
    public async Task During_a_rotation_both_secrets_sign_and_after_the_overlap_only_the_new_one()
    {
        var (name, old, fresh) = (NewName(), WebhookReceiver.Secret, "another secret, given by ops");
        await CreateAsync(name, [Availability], secret: old);
        Receiver.Secrets[name] = [old, fresh];
        var rotated = await (await _client.PostAsJsonAsync($"/api/v1/ops/subscriptions/{name}/secret/rotate", new { secret = fresh, overlapSeconds = 3600 })).ReadJsonAsync();
        Assert.Equal(JsonValueKind.Null, rotated.GetProperty("secret").ValueKind);
        Assert.InRange(
            rotated.GetProperty("subscription").GetProperty("previousSecretValidUntil").GetDateTimeOffset() - factory.Clock.GetUtcNow(),
            TimeSpan.FromMinutes(50), TimeSpan.FromHours(1));

        var during = TestIds.New("SKU");
        await ReceiveAppliedAsync(during);
        var signedDuring = await DeliveredAsync(name, during, "a change during the overlap");
        Assert.True(signedDuring.SignedWith(old));
        Assert.True(signedDuring.SignedWith(fresh));

        factory.Clock.Advance(TimeSpan.FromHours(2));
        var afterwards = TestIds.New("SKU");
        await ReceiveAppliedAsync(afterwards);
        var signedAfter = await DeliveredAsync(name, afterwards, "a change after the overlap");
        Assert.True(signedAfter.SignedWith(fresh));
        Assert.False(signedAfter.SignedWith(old));
    }

    [Fact]
    public async Task A_rotation_names_a_bad_overlap()
    {
        var name = NewName();
        await CreateAsync(name, Orders);
        await (await _client.PostAsJsonAsync($"/api/v1/ops/subscriptions/{name}/secret/rotate", new { overlapSeconds = -5 })).AssertBadRequestNamingAsync("overlapSeconds");
        var generated = await (await _client.PostAsJsonAsync($"/api/v1/ops/subscriptions/{name}/secret/rotate", new { })).ReadJsonAsync();
        Assert.StartsWith("whsec_", generated.GetProperty("secret").GetString(), StringComparison.Ordinal);
    }

    private static string NewName() => "sub-" + TestIds.Tag();

    private static string Subject(string sku) => $"inventory/{sku}@{GridHttp.Dc1}";

    private static string Released(string sku, string reservation) => $"reservation/{sku}@{GridHttp.Dc1}/{reservation}";

    /// <summary>Makes a subscription at the receiver, which verifies its requests with <paramref name="secret"/> from the start.</summary>
    private async Task CreateAsync(string name, string[] eventTypes, string? start = null, string secret = WebhookReceiver.PlainSecret)
    {
        Receiver.Secrets[name] = [secret];
        using var response = await _client.PostAsJsonAsync("/api/v1/ops/subscriptions", new { name, url = Receiver.Url(name), eventTypes, start, secret });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    private async Task<long> DepthAsync(string target)
    {
        var outbox = await (await _client.GetAsync("/api/v1/ops/outbox")).ReadJsonAsync();
        return outbox.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("target").GetString() == target).GetProperty("depth").GetInt64();
    }

    /// <summary>What <paramref name="target"/> acknowledged of the SKU's availability, once it has.</summary>
    private async Task<ReceivedRequest> DeliveredAsync(string target, string sku, string what)
    {
        await Eventually.ThatAsync(() => Task.FromResult(Receiver.AcceptedFor(Subject(sku)).Any(r => r.Target == target)), what);
        return Receiver.AcceptedFor(Subject(sku)).First(r => r.Target == target);
    }

    private async Task ReceiveAppliedAsync(string sku, long quantity = 10)
    {
        await _client.ReceiveAsync(sku, quantity);
        await Eventually.ThatAsync(async () => await _client.AvailableAsync(sku) == quantity, "the receipt applied");
    }
}
