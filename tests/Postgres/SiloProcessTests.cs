using System.Collections.Concurrent;
using System.Text.Json;
using Grid.Inventory;
using Grid.Tests.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Tests.Postgres;

/// <summary>
/// Given silos running as their own processes on PostgreSQL, as an operator runs them: a silo killed with
/// <c>kill -9</c> in the middle of a burst loses nothing it acknowledged, and reminders outlive the whole cluster.
/// </summary>
[Trait("Category", "Postgres")]
[Collection(SiloProcessCollection.Name)]
public sealed class SiloProcessTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task A_silo_killed_during_a_burst_loses_no_acknowledged_reservation_and_grants_nothing_beyond_stock()
    {
        string[] quickFailureDetection = ["--Grid:Membership:ProbeTimeout=00:00:01", "--Grid:Membership:NumMissedProbesLimit=2"];
        await using var first = await SiloProcess.StartAsync(_database.ConnectionString, quickFailureDetection);
        await using var second = await SiloProcess.StartAsync(_database.ConnectionString, quickFailureDetection);
        using var client = await SiloProcess.StartClientAsync(_database.ConnectionString, TimeSpan.FromSeconds(5));
        var grains = client.Services.GetRequiredService<IGrainFactory>();

        const long hotStock = 300;
        var hot = TestIds.New("HOT");
        var spread = Enumerable.Range(0, 30).Select(i => TestIds.New($"SPR{i}")).ToList();
        await grains.Inventory(hot).Receive(hotStock, DateTimeOffset.UtcNow);
        await Task.WhenAll(spread.Select(sku => grains.Inventory(sku).Receive(1_000, DateTimeOffset.UtcNow)));

        var acknowledged = new ConcurrentBag<(string Sku, string ReservationId, long Quantity)>();
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 16).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var sku = i % 2 == 0 ? hot : spread[(worker + i) % spread.Count];
                var id = $"w{worker}-{i}";
                try
                {
                    var result = await grains.Inventory(sku).Reserve(new ReserveStock(id, "web", 1 + (i % 2), TtlSeconds: 3600));
                    if (result.Code == ReservationResultCode.Created)
                    {
                        acknowledged.Add((sku, id, result.Reservation!.Quantity));
                    }
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // Not acknowledged: the caller would retry. Nothing is claimed for it.
                    await Task.Delay(50);
                }
            }
        })).ToList();

        await Eventually.ThatAsync(() => Task.FromResult(acknowledged.Count >= 300), "300 acknowledged reservations before the kill", TimeSpan.FromSeconds(60));
        first.Kill();
        var atKill = acknowledged.Count;
        await Eventually.ThatAsync(() => Task.FromResult(acknowledged.Count >= atKill + 300), "300 more acknowledged after the kill", TimeSpan.FromSeconds(90));
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        foreach (var group in acknowledged.GroupBy(a => a.Sku))
        {
            var detail = await PostgresCluster.SettledAsync(() => grains.Inventory(group.Key).GetDetail());
            var held = detail.Reservations.ToDictionary(r => r.ReservationId);
            Assert.All(group, a => Assert.True(held.ContainsKey(a.ReservationId), $"acknowledged reservation {a.ReservationId} on {a.Sku} is missing"));
            Assert.True(detail.Reserved <= detail.OnHand, $"{group.Key}: {detail.Reserved} reserved of {detail.OnHand}");
        }

        var hotDetail = await grains.Inventory(hot).GetDetail();
        Assert.True(hotDetail.Reserved <= hotStock);
        Assert.True(acknowledged.Count > atKill, "the surviving silo kept serving after the kill");
    }

    [Fact]
    public async Task A_reservation_expires_after_a_full_cluster_restart_without_anyone_touching_it()
    {
        var sku = TestIds.New("REMIND");
        string[] fastReminders = ["--Grid:Inventory:ExpiryReminderPeriod=00:00:02", "--Grid:Reminders:MinimumReminderPeriod=00:00:01"];
        var siloPort = FreePorts.Next();
        await using (var before = await SiloProcess.StartAsync(_database.ConnectionString, siloPort, fastReminders))
        {
            using var client = await SiloProcess.StartClientAsync(_database.ConnectionString, TimeSpan.FromSeconds(5));
            var grains = client.Services.GetRequiredService<IGrainFactory>();
            await grains.Inventory(sku).Receive(10, DateTimeOffset.UtcNow);
            var reservation = await grains.Inventory(sku).Reserve(new ReserveStock("r1", "web", 4, TtlSeconds: 4));
            Assert.Equal(ReservationResultCode.Created, reservation.Code);
            before.Kill();
        }

        await using var after = await SiloProcess.StartAsync(_database.ConnectionString, siloPort, fastReminders);

        // No grain is called: only the stored state is read, until the reminder has expired the reservation.
        await Eventually.ThatAsync(
            async () => await StoredReservationStateAsync(sku, "r1") == 3, "the stored reservation expired by the reminder", TimeSpan.FromSeconds(90));
        Assert.Equal(0, (await ReadStoredStateAsync(sku)).GetProperty("Reserved").GetInt64());
    }

    private async Task<JsonElement> ReadStoredStateAsync(string sku)
    {
        var json = await _database.ScalarAsync<byte[]>($"SELECT header FROM grid_inventory WHERE grain_key = '{sku}@DC1'");
        return JsonDocument.Parse(json!).RootElement.Clone();
    }

    private async Task<int> StoredReservationStateAsync(string sku, string reservationId)
    {
        var json = await _database.ScalarAsync<byte[]>(
            $"SELECT payload FROM grid_inventory_reservation WHERE grain_key = '{sku}@DC1' AND reservation_id = '{reservationId}'");
        return JsonDocument.Parse(json!).RootElement.GetProperty("State").GetInt32();
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SiloProcessCollection
{
    public const string Name = "Silo processes";
}
