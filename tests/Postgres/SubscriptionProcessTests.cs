using System.Net;
using System.Net.Http.Json;
using Grid.Tests.Gateway;
using Grid.Tests.Outbound;

namespace Grid.Tests.Postgres;

/// <summary>
/// Given a silo process on PostgreSQL serving the API, with no outbound target configured: a subscription made over
/// HTTP is stored, so that after a <c>kill -9</c> and a restart the silo still delivers to it, signed with its secret.
/// </summary>
[Trait("Category", "Postgres")]
[Collection(SiloProcessCollection.Name)]
public sealed class SubscriptionProcessTests : IAsyncLifetime
{
    private static readonly string[] EventTypes = ["grid.inventory.availability.changed.v1", "grid.reservation.*"];

    private readonly PostgresDatabase _database = new();
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _receiver = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task A_subscription_made_over_HTTP_survives_a_silo_restart_and_gets_signed_events()
    {
        var (name, sku) = ("sub-" + TestIds.Tag(), TestIds.New("SKU"));
        _receiver.Secrets[name] = [WebhookReceiver.Secret];
        var siloPort = FreePorts.Next();
        await using (var before = await SiloProcess.StartAsync(_database.ConnectionString, siloPort, "--Grid:HostGateway=true"))
        {
            using var http = Client(before);
            await before.ExplainingFailuresAsync(async () =>
            {
                using var created = await http.PostAsJsonAsync("/api/v1/ops/subscriptions", new
                {
                    name, url = _receiver.Url(name), eventTypes = EventTypes, secret = WebhookReceiver.Secret,
                });
                Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
            });
            before.Kill();
        }

        await using var after = await SiloProcess.StartAsync(_database.ConnectionString, siloPort, "--Grid:HostGateway=true");
        using var client = Client(after);
        await after.ExplainingFailuresAsync(async () =>
        {
            var listed = await (await client.GetAsync($"/api/v1/ops/subscriptions/{name}")).ReadJsonAsync();
            Assert.Equal("api", listed.GetProperty("source").GetString());

            await client.ReceiveAsync(sku, 10);
            var reservation = TestIds.New("RES");
            await client.ReserveCreatedAsync(GridHttp.Reservation(sku, 2, reservation));
            Assert.True((await client.ReleaseAsync(sku, reservation)).IsSuccessStatusCode);
            await Eventually.ThatAsync(
                () => Task.FromResult(
                    _receiver.Accepted.Any(r => r.Target == name && r.Subject == $"inventory/{sku}@{GridHttp.Dc1}")
                    && _receiver.Accepted.Any(r => r.Target == name && r.Type == "grid.reservation.released.v1")),
                "the SKU-location's availability and the reservation's release delivered after the restart", TimeSpan.FromSeconds(90));
        });
        Assert.All(_receiver.All.Where(r => r.Target == name), r => Assert.True(r.SignatureValid));
    }

    private static HttpClient Client(SiloProcess silo)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.HttpPort}"), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Add("X-Api-Key", SiloProcess.ApiKey);
        return http;
    }
}
