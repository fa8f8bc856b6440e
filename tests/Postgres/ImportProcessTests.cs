using System.Net;
using System.Text.Json;
using Grid.Tests.Gateway;

namespace Grid.Tests.Postgres;

/// <summary>
/// An import in PostgreSQL mode with the silo as its own process: its lines are durable before the 202, and a silo
/// killed with <c>kill -9</c> mid-import finishes it after a restart, applying no line twice.
/// </summary>
[Trait("Category", "Postgres")]
[Collection(SiloProcessCollection.Name)]
public sealed class ImportProcessTests : IAsyncLifetime
{
    private const int Lines = 200;

    private readonly PostgresDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task A_silo_killed_mid_import_finishes_it_after_a_restart_applying_each_line_once()
    {
        // 20 lines a chunk at 40 lines a second: about five seconds of import, ten chunks, time to kill it in the middle.
        string[] settings = ["--Grid:HostGateway=true", "--Grid:Imports:ChunkLines=20", "--Grid:Imports:MaxLinesPerSecond=40"];
        var siloPort = FreePorts.Next();
        var silo = await SiloProcess.StartAsync(_database.ConnectionString, siloPort, settings);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.HttpPort}"), Timeout = TimeSpan.FromSeconds(15) };
        http.DefaultRequestHeaders.Add("X-Api-Key", SiloProcess.ApiKey);
        var run = TestIds.Tag().ToUpperInvariant();
        var skus = Enumerable.Range(0, Lines).Select(i => $"IMP-{run}-{i:000}").ToArray();
        var importId = $"onboarding-{run}";

        using (var response = await http.PostImportAsync("stock", ImportHttp.Lines([.. skus.Select((sku, i) => new { sku, location = "DC1", countedQuantity = i + 1 })]), key: importId))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await silo.ExplainingFailuresAsync(() => Eventually.ReadAsync(
            () => http.StatusAsync(importId), s => s.GetProperty("appliedChunks").GetInt32() >= 3, "three chunks applied"));
        silo.Kill();
        await silo.DisposeAsync();

        await using var restarted = await SiloProcess.StartAsync(_database.ConnectionString, siloPort, settings);
        using var again = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{restarted.HttpPort}"), Timeout = TimeSpan.FromSeconds(15) };
        again.DefaultRequestHeaders.Add("X-Api-Key", SiloProcess.ApiKey);
        JsonElement status = default;
        await restarted.ExplainingFailuresAsync(async () => status = await again.FinishedAsync(importId, TimeSpan.FromSeconds(90)));

        Assert.Equal(("completed", Lines, Lines, 0), (status.GetProperty("state").GetString(), status.GetProperty("totalLines").GetInt32(),
            status.GetProperty("appliedLines").GetInt32(), status.GetProperty("failedLines").GetInt32()));
        for (var i = 0; i < Lines; i++)
        {
            var detail = await again.GetInventoryAsync(skus[i]);
            var counts = detail.GetProperty("recentMovements").EnumerateArray().Where(m => m.GetProperty("type").GetString() == "cycleCount").ToArray();
            Assert.Equal(i + 1, detail.GetProperty("onHand").GetInt64());
            Assert.Equal($"{importId}:{i + 1}", Assert.Single(counts).GetProperty("eventId").GetString());
        }

        Assert.Equal(0, await _database.ScalarAsync<long>("SELECT count(*) FROM grid_grain_state WHERE state_name = 'import-chunk'"));
    }
}
