using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grid.Tests.Gateway;

namespace Grid.Tests.Postgres;

/// <summary>
/// Given a silo process on PostgreSQL serving the API, as an operator runs it: cart to order, a line reduced and the
/// customer's order list, end to end over HTTP.
/// </summary>
[Trait("Category", "Postgres")]
[Collection(SiloProcessCollection.Name)]
public sealed class OrderChangesProcessTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task A_cart_becomes_an_order_whose_line_is_reduced_and_which_the_customers_list_shows()
    {
        await using var silo = await SiloProcess.StartAsync(_database.ConnectionString, "--Grid:HostGateway=true");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.HttpPort}"), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Add("X-Api-Key", SiloProcess.ApiKey);
        var (sku, cart, orderId, customerId) = (TestIds.New("SKU"), TestIds.New("CART"), TestIds.New("O"), TestIds.New("C"));

        await silo.ExplainingFailuresAsync(async () =>
        {
            await http.ReceiveAsync(sku, 10);
            await http.ReserveCreatedAsync(GridHttp.Reservation(sku, 6, cart));

            using var submitted = await http.PostAsJsonAsync("/api/v1/orders", new
            {
                orderId,
                customerId,
                channel = "web",
                shipTo = new { region = "east" },
                lines = new[] { new { lineId = "L1", sku, quantity = 6, location = GridHttp.Dc1, reservationIds = new[] { cart } } },
            });
            Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
            Assert.Equal(4, await http.AvailableAsync(sku));

            using var reduced = await http.PostAsJsonAsync($"/api/v1/orders/{orderId}/lines/L1/reduce", new { quantity = 2 });
            Assert.Equal(HttpStatusCode.OK, reduced.StatusCode);
            await Eventually.ThatAsync(async () => await http.AvailableAsync(sku) == 8, "the 4 reduced units given back");

            var list = await Eventually.ReadAsync(
                async () => await http.GetFromJsonAsync<JsonElement>($"/api/v1/orders?customerId={customerId}"),
                l => l.GetProperty("items").GetArrayLength() == 1,
                "the order listed");
            Assert.Equal(orderId, list.GetProperty("items")[0].GetProperty("orderId").GetString());
        });
    }
}
