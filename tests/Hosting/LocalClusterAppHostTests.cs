using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Grid.Tests.Postgres;
using Xunit.Abstractions;

namespace Grid.Tests.Hosting;

/// <summary>
/// Given the Aspire AppHost (<c>dotnet run --project apphost</c>) on a PostgreSQL folder and ports of its own: it starts
/// PostgreSQL, migrates, runs two silos and the gateway, and the gateway serves the API over real HTTP with the local
/// key; stopping it ends every process it started, PostgreSQL with a clean shutdown.
/// </summary>
/// <remarks>In the silo-process collection, so that its five processes never compete with the kill and outage tests.</remarks>
[Trait("Category", "Hosting")]
[Collection(SiloProcessCollection.Name)]
public sealed class LocalClusterAppHostTests(ITestOutputHelper output) : IDisposable
{
    private const string ApiKey = "apphost-tests-key-0001";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"grid-apphost-{TestIds.Tag()}");

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task The_apphost_runs_postgres_two_silos_and_a_gateway_that_serves_the_api_and_stops_them_all()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Grid_AppHost>(
            ["--silos", "2", "--http-port", "0", "--postgres-port", "0", "--postgres-folder", _folder, "--api-key", ApiKey],
            timeout.Token);
        var started = new HashSet<int>();
        var clock = Stopwatch.StartNew();
        await using (var app = await builder.BuildAsync(timeout.Token))
        {
            await app.StartAsync(timeout.Token);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("gateway", timeout.Token);
            output.WriteLine($"The gateway was ready {clock.Elapsed.TotalSeconds:0.0} s after the AppHost started.");

            using var http = app.CreateHttpClient("gateway");
            http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
            await ReceiveReserveAndReadAtpAsync(http);

            foreach (var resource in new[] { "postgres", "silo-1", "silo-2", "gateway" })
            {
                started.UnionWith(ProcessTree.Of(PidOf(app, resource)));
            }

            clock.Restart();
        }

        Assert.True(started.Count >= 8, $"expected PostgreSQL, two silos and the gateway with their launchers, found {started.Count} processes");
        await Eventually.ThatAsync(
            () => Task.FromResult(!started.Any(ProcessTree.IsRunning)),
            "every process the AppHost started to end",
            TimeSpan.FromSeconds(30));
        output.WriteLine($"All {started.Count} processes had ended {clock.Elapsed.TotalSeconds:0.0} s after the AppHost was told to stop.");
        Assert.False(File.Exists(Path.Combine(_folder, "data", "postmaster.pid")), "PostgreSQL did not shut down cleanly");
    }

    private static async Task ReceiveReserveAndReadAtpAsync(HttpClient http)
    {
        var sku = TestIds.New("APPHOST");
        using var receipt = await http.PostAsJsonAsync("/api/v1/warehouse/events", new
        {
            events = new[] { new { eventId = TestIds.New("rcv"), source = "wms", occurredAt = DateTimeOffset.UtcNow, type = "receipt", sku, location = "DC1", quantity = 100 } },
        });
        Assert.Equal(HttpStatusCode.Accepted, receipt.StatusCode);
        await Eventually.ReadAsync(() => AvailableAsync(http, sku), available => available == 100, "the receipt in ATP");

        using var reservation = await http.PostAsJsonAsync("/api/v1/reservations", new
        {
            reservationId = TestIds.New("cart"), sku, location = "DC1", quantity = 30, channel = "web", ttlSeconds = 600,
        });
        Assert.Equal(HttpStatusCode.Created, reservation.StatusCode);
        await Eventually.ReadAsync(() => AvailableAsync(http, sku), available => available == 70, "the reservation in ATP");
    }

    private static async Task<long> AvailableAsync(HttpClient http, string sku)
    {
        var atp = await http.GetFromJsonAsync<JsonElement>($"/api/v1/atp/{sku}");
        return atp.GetProperty("available").GetInt64();
    }

    private static int PidOf(DistributedApplication app, string resource)
    {
        Assert.True(app.ResourceNotifications.TryGetCurrentState(resource, out var state), $"no state for {resource}");
        var pid = state.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value;
        return Convert.ToInt32(pid, System.Globalization.CultureInfo.InvariantCulture);
    }
}
