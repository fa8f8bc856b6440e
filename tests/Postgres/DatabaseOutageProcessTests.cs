using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Grid.Tests.Postgres;

/// <summary>
/// Given a production silo whose database goes away for a while: writes are answered 503 with <c>Retry-After</c> and
/// leave nothing behind, network ATP goes on from memory, readiness says the database is down, and the silo serves
/// writes again by itself once the database is back, with everything it acknowledged before still there and nothing
/// of what it refused.
/// </summary>
[Collection(SiloProcessCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class DatabaseOutageProcessTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _database.SetOutageAsync(down: false);
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Writes_and_event_batches_during_an_outage_get_503_with_Retry_After_and_service_resumes_by_itself_losing_nothing()
    {
        await using var silo = await SiloProcess.StartAsync(_database.ConnectionString, "--Grid:HostGateway=true");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.HttpPort}"), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Add("X-Api-Key", SiloProcess.ApiKey);
        var sku = TestIds.New("OUT");

        await silo.ExplainingFailuresAsync(async () =>
        {
            using var receipt = await http.PostAsJsonAsync("/api/v1/warehouse/events", new
            {
                events = new[] { new { eventId = "rcv-1", source = "wms", occurredAt = DateTimeOffset.UtcNow, type = "receipt", sku, location = "DC1", quantity = 100 } },
            });
            Assert.Equal(HttpStatusCode.Accepted, receipt.StatusCode);
            await Eventually.ThatAsync(async () => await AvailableAsync(http, sku) == 100, "the receipt to reach ATP");
            Assert.Equal(HttpStatusCode.Created, (await ReserveAsync(http, sku, "before")).StatusCode);
        });

        await _database.SetOutageAsync(down: true);

        using (var refused = await ReserveAsync(http, sku, "during"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
            Assert.StartsWith("The store is unavailable", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        }

        using (var batch = await http.PostAsJsonAsync("/api/v1/warehouse/events", new
        {
            events = new[] { new { eventId = "rcv-2", source = "wms", occurredAt = DateTimeOffset.UtcNow, type = "receipt", sku, location = "DC1", quantity = 5 } },
        }))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, batch.StatusCode);
            Assert.NotNull(batch.Headers.RetryAfter);
        }

        Assert.Equal(90, await AvailableAsync(http, sku));
        await Eventually.ThatAsync(async () => (await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode == HttpStatusCode.ServiceUnavailable, "readiness to report the database down");

        await _database.SetOutageAsync(down: false);

        await silo.ExplainingFailuresAsync(async () =>
        {
            await Eventually.ThatAsync(async () => (await ReserveAsync(http, sku, "after")).StatusCode == HttpStatusCode.Created, "writes to be served again", TimeSpan.FromSeconds(90));
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri($"/api/v1/reservations/{sku}@DC1/before", UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri($"/api/v1/reservations/{sku}@DC1/during", UriKind.Relative))).StatusCode);
            Assert.Equal(80, await AvailableAsync(http, sku));
        });
    }

    private static Task<HttpResponseMessage> ReserveAsync(HttpClient http, string sku, string reservationId)
        => http.PostAsJsonAsync("/api/v1/reservations", new { reservationId, sku, location = "DC1", quantity = 10, channel = "web", ttlSeconds = 3600 });

    private static async Task<long> AvailableAsync(HttpClient http, string sku)
    {
        using var response = await http.GetAsync(new Uri($"/api/v1/atp/{sku}", UriKind.Relative));
        return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("available").GetInt64() : -1;
    }
}
