using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Grid.Tests.Postgres;

/// <summary>
/// Warehouse events through the durable PostgreSQL streams, with silos running as their own processes: a silo killed
/// with <c>kill -9</c> while events are pushed and consumed loses none that was accepted and applies none twice.
/// </summary>
[Trait("Category", "Postgres")]
[Collection(SiloProcessCollection.Name)]
public sealed class EventStreamProcessTests : IAsyncLifetime
{
    private const int SkuLocations = 20;
    private const int Events = 10_000;
    private const int BatchSize = 100;

    private readonly PostgresDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task A_silo_killed_while_10000_movements_are_pushed_and_consumed_leaves_every_accepted_movement_applied_exactly_once()
    {
        string[] settings =
        [
            "--Grid:HostGateway=true",
            "--Grid:Membership:ProbeTimeout=00:00:01",
            "--Grid:Membership:NumMissedProbesLimit=2",
        ];
        var firstSiloPort = FreePorts.Next();
        var first = await SiloProcess.StartAsync(_database.ConnectionString, firstSiloPort, settings);
        await using var second = await SiloProcess.StartAsync(_database.ConnectionString, settings);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        http.DefaultRequestHeaders.Add("X-Api-Key", SiloProcess.ApiKey);
        var run = TestIds.Tag().ToUpperInvariant();
        var skus = Enumerable.Range(0, SkuLocations).Select(i => $"KILL-{run}-{i:00}").ToArray();

        // Every event is a receipt of one unit with an id of its own; a batch that fails is sent again, same ids,
        // to the other silo, as a WMS retries. Only batches answered 202 count as accepted.
        var accepted = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var batches = new ConcurrentQueue<int>(Enumerable.Range(0, Events / BatchSize));
        var silos = new[] { first.HttpPort, second.HttpPort };
        var killed = 0;
        var workers = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            var attempt = worker;
            while (batches.TryDequeue(out var batch))
            {
                var events = Enumerable.Range(0, BatchSize).Select(i =>
                {
                    var n = (batch * BatchSize) + i;
                    return new
                    {
                        eventId = $"EV-{n:00000}",
                        source = "wms-kill-test",
                        occurredAt = DateTimeOffset.UtcNow,
                        type = "receipt",
                        sku = skus[n % SkuLocations],
                        location = "DC1",
                        quantity = 1,
                    };
                }).ToList();

                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
                while (true)
                {
                    var port = Volatile.Read(ref killed) == 1 ? second.HttpPort : silos[attempt++ % 2];
                    try
                    {
                        using var response = await http.PostAsJsonAsync(new Uri($"http://127.0.0.1:{port}/api/v1/warehouse/events"), new { events });
                        if (response.StatusCode == HttpStatusCode.Accepted)
                        {
                            events.ForEach(e => accepted[e.eventId] = e.sku);
                            break;
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                    {
                        // Not accepted: sent again below.
                    }

                    Assert.True(DateTime.UtcNow < deadline, $"batch {batch} was never accepted");
                    await Task.Delay(100);
                }

                if (accepted.Count >= Events * 3 / 10 && Interlocked.Exchange(ref killed, 1) == 0)
                {
                    first.Kill();
                }
            }
        })).ToList();
        await Task.WhenAll(workers);
        Assert.Equal(1, killed);
        Assert.Equal(Events, accepted.Count);

        // The killed silo comes back on its port, as an operator restarts it; its queues are shared out again.
        await using var restarted = await SiloProcess.StartAsync(_database.ConnectionString, firstSiloPort, settings);
        await first.DisposeAsync();

        var expected = accepted.Values.GroupBy(sku => sku).ToDictionary(g => g.Key, g => (long)g.Count());
        var onHand = new Dictionary<string, long>();
        var drained = Eventually.ThatAsync(async () =>
        {
            if (await _database.ScalarAsync<long>("SELECT count(*) FROM grid_stream_message") > 0)
            {
                return false;
            }

            foreach (var sku in skus)
            {
                onHand[sku] = await OnHandAsync(http, second.HttpPort, sku);
            }

            return onHand.Values.Sum() >= Events;
        }, "the queues drained and every accepted receipt applied", TimeSpan.FromSeconds(180));
        try
        {
            await drained;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var waiting = await _database.ScalarAsync<long>("SELECT count(*) FROM grid_stream_message");
            var deadLetters = await _database.ScalarAsync<string>("SELECT string_agg(stream_key || ': ' || reason, '; ') FROM grid_stream_dead_letter");
            throw new InvalidOperationException(
                $"{ex.Message} Still queued: {waiting}; on hand: {onHand.Values.Sum()} of {Events}; dead letters: {deadLetters ?? "none"}.\n"
                + $"--- surviving silo ---\n{Tail(second.Output)}\n--- restarted silo ---\n{Tail(restarted.Output)}", ex);
        }

        Assert.Null(await _database.ScalarAsync<string>("SELECT string_agg(stream_key || ': ' || reason, '; ') FROM grid_stream_dead_letter"));
        Assert.All(skus, sku => Assert.Equal(expected[sku], onHand[sku]));
        Assert.Equal(Events, onHand.Values.Sum());
    }

    private static string Tail(string output) => output.Length > 6000 ? output[^6000..] : output;

    private static async Task<long> OnHandAsync(HttpClient http, int port, string sku)
    {
        try
        {
            using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/api/v1/inventory/{sku}@DC1"));
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return 0;
            }

            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return body.RootElement.GetProperty("onHand").GetInt64();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return 0;
        }
    }
}
