using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grid.Tests.Gateway;

namespace Grid.Tests.Postgres;

/// <summary>
/// Given a silo process on PostgreSQL serving the API: the availability feed and export as a channel uses them, and a
/// reader that follows the feed through a silo kill and restart ending with exactly the grid's ATP.
/// </summary>
[Trait("Category", "Postgres")]
[Collection(SiloProcessCollection.Name)]
public sealed class AvailabilityFeedProcessTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();
    private readonly string _location = TestIds.New("L");

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task The_feed_gives_each_SKU_location_at_its_latest_in_order_and_follows_on_from_an_export()
    {
        await using var silo = await SiloProcess.StartAsync(_database.ConnectionString, "--Grid:HostGateway=true");
        using var http = Client(silo);
        var (first, second) = (TestIds.New("SKU"), TestIds.New("SKU"));

        await silo.ExplainingFailuresAsync(async () =>
        {
            await http.ReceiveAsync(first, 10, _location);
            await http.ReceiveAsync(second, 5, _location);
            await http.ReserveCreatedAsync(GridHttp.Reservation(first, 3, location: _location));

            // The feed is served up to a safe horizon, a few milliseconds behind the acknowledged writes.
            var (items, cursor) = await Eventually.ReadAsync(
                () => http.ReadAllAsync(_location), read => read.Items.Count == 2 && read.Items[0].Sku() == second, "the reservation in the feed");
            Assert.Equal([second, first], items.Select(i => i.Sku()));
            Assert.Equal([5L, 7L], items.Select(i => i.Available()));

            var (exported, lines) = await http.ExportAsync($"?locations={_location}");
            Assert.Equal(new[] { first, second }.Order(StringComparer.Ordinal), lines.Select(l => l.Sku()));
            var poll = http.ChangesAsync($"?wait=30&locations={_location}&after={exported}");
            await http.ReserveCreatedAsync(GridHttp.Reservation(second, 2, location: _location));
            var page = await poll;
            Assert.Equal((second, 3L), (page.GetProperty("items")[0].Sku(), page.GetProperty("items")[0].Available()));
            Assert.Empty((await http.ReadAllAsync(_location, page.GetProperty("cursor").GetString())).Items);
            Assert.Equal(second, Assert.Single((await http.ReadAllAsync(_location, cursor)).Items).Sku());
        });
    }

    [Fact]
    public async Task A_reader_following_the_feed_through_a_silo_kill_ends_with_exactly_the_grids_ATP()
    {
        var siloPort = FreePorts.Next();
        var silo = await SiloProcess.StartAsync(_database.ConnectionString, siloPort, "--Grid:HostGateway=true");
        var skus = Enumerable.Range(0, 12).Select(_ => TestIds.New("SKU")).ToArray();
        var reader = new FeedReader(_location) { Client = Client(silo) };
        using var stop = new CancellationTokenSource();
        var reading = reader.FollowAsync(stop.Token);
        try
        {
            using (var before = Client(silo))
            {
                await silo.ExplainingFailuresAsync(async () =>
                {
                    foreach (var sku in skus)
                    {
                        await before.ReceiveAsync(sku, 50, _location);
                    }

                    for (var i = 0; i < 24; i++)
                    {
                        await before.ReserveCreatedAsync(GridHttp.Reservation(skus[i % skus.Length], 1 + (i % 3), location: _location));
                    }

                    // Changes still being written when the silo dies: whatever of them was acknowledged must reach the reader.
                    var inFlight = Enumerable.Range(0, 12).Select(i => before.ReserveAsync(GridHttp.Reservation(skus[i], 2, location: _location))).ToArray();
                    await Task.WhenAny(Task.WhenAll(inFlight), Task.Delay(20));
                    silo.Kill();
                    await Task.WhenAll(inFlight.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
                });
            }

            await silo.DisposeAsync();
            silo = await SiloProcess.StartAsync(_database.ConnectionString, siloPort, "--Grid:HostGateway=true");
            using var after = Client(silo);
            reader.Client = Client(silo);
            await silo.ExplainingFailuresAsync(async () =>
            {
                for (var i = 0; i < 24; i++)
                {
                    await after.ReserveCreatedAsync(GridHttp.Reservation(skus[i % skus.Length], 1, location: _location));
                }

                var grid = new Dictionary<string, long>(StringComparer.Ordinal);
                foreach (var sku in skus)
                {
                    grid[sku] = await after.AvailableAsync(sku, $"?locations={_location}");
                }

                await Eventually.ThatAsync(
                    () => Task.FromResult(skus.All(sku => reader.Seen(sku) == grid[sku])),
                    $"the reader's view to equal the grid's ATP ({string.Join(", ", skus.Select(s => $"{s}={grid[s]}/{reader.Seen(s)}"))})");
                Assert.True(reader.Resumed > 0, "The reader never had to resume after the kill.");
            });
        }
        finally
        {
            await stop.CancelAsync();
            await reading;
            await silo.DisposeAsync();
        }
    }

    private static HttpClient Client(SiloProcess silo)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.HttpPort}"), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Add("X-Api-Key", SiloProcess.ApiKey);
        return http;
    }

    /// <summary>
    /// A channel's copy of availability: long-polls the feed from its last cursor and keeps each SKU's latest ATP. When
    /// the silo it reads goes away it tries again with the same cursor, wherever <see cref="Client"/> points by then.
    /// </summary>
    private sealed class FeedReader(string location)
    {
        public volatile HttpClient? Client;

        private readonly Dictionary<string, long> _view = new(StringComparer.Ordinal);

        public int Resumed { get; private set; }

        /// <summary>The SKU's ATP as the reader last saw it; -1 before it saw any.</summary>
        public long Seen(string sku)
        {
            lock (_view)
            {
                return _view.GetValueOrDefault(sku, -1);
            }
        }

        public async Task FollowAsync(CancellationToken stop)
        {
            string? cursor = null;
            var failed = false;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await Client!.GetAsync(
                        new Uri($"/api/v1/availability/changes?wait=2&locations={location}{(cursor is null ? "" : $"&after={cursor}")}", UriKind.Relative), stop);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        Assert.NotEqual(HttpStatusCode.Gone, response.StatusCode);
                        throw new HttpRequestException($"{(int)response.StatusCode}");
                    }

                    var page = await response.Content.ReadFromJsonAsync<JsonElement>(stop);
                    lock (_view)
                    {
                        foreach (var item in page.GetProperty("items").EnumerateArray())
                        {
                            _view[item.Sku()] = item.Available();
                        }
                    }

                    cursor = page.GetProperty("cursor").GetString();
                    if (failed)
                    {
                        (failed, Resumed) = (false, Resumed + 1);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !stop.IsCancellationRequested)
                {
                    failed = true;
                    await Task.Delay(100, CancellationToken.None);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }
}
