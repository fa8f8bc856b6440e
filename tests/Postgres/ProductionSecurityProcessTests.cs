using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Grid.Gateway.Security;

namespace Grid.Tests.Postgres;

/// <summary>
/// Given a silo process in Postgres mode serving the API, as production runs it: only configured keys are accepted (the
/// public dev keys are not), the dashboard needs the ops role, health, metrics and the OpenAPI document need no key, and
/// the API reference (/scalar) is not served.
/// </summary>
[Trait("Category", "Postgres")]
[Collection(SiloProcessCollection.Name)]
public sealed class ProductionSecurityProcessTests : IAsyncLifetime
{
    private const string SalesKey = "production-sales-key-0001";

    private readonly PostgresDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task A_production_silo_refuses_the_dev_keys_guards_the_dashboard_with_the_ops_role_and_serves_health_and_metrics_openly()
    {
        await using var silo = await SiloProcess.StartAsync(
            _database.ConnectionString,
            "--Grid:HostGateway=true",
            "--Grid:Auth:Keys:shop:Role=sales",
            $"--Grid:Auth:Keys:shop:Hash={ApiKeyHash.Of(SalesKey)}");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.HttpPort}"), Timeout = TimeSpan.FromSeconds(15) };

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, "/api/v1/atp/SKU-1", ("X-Api-Key", DevKeys.AllRoles)));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, "/api/v1/atp/SKU-1", ("X-Api-Key", SalesKey)));

        using (var challenge = await http.GetAsync(new Uri("/dashboard", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, challenge.StatusCode);
            Assert.Contains(challenge.Headers.WwwAuthenticate, h => h.Scheme == "Basic");
        }

        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(http, "/dashboard/", ("Authorization", Basic(SalesKey))));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, "/dashboard/", ("Authorization", Basic(SiloProcess.ApiKey))));

        await Eventually.ThatAsync(async () => await StatusAsync(http, "/health/ready") == HttpStatusCode.OK, "the silo to be ready");
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("service_name=\"grid-silo\"", metrics, StringComparison.Ordinal);
        Assert.Contains("grid_mode=\"Postgres\"", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_production_silo_serves_the_OpenAPI_document_openly_and_no_API_reference()
    {
        await using var silo = await SiloProcess.StartAsync(_database.ConnectionString, "--Grid:HostGateway=true");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.HttpPort}"), Timeout = TimeSpan.FromSeconds(15) };

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, "/openapi/v1.json"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(http, "/scalar"));
    }

    private static string Basic(string key) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"ops:{key}"));

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string path, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        foreach (var (name, value) in headers)
        {
            if (name == "Authorization")
            {
                request.Headers.Authorization = AuthenticationHeaderValue.Parse(value);
            }
            else
            {
                request.Headers.Add(name, value);
            }
        }

        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
