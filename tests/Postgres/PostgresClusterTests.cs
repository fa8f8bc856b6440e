using Grid.Inventory;
using Grid.Tests.Grains;

namespace Grid.Tests.Postgres;

/// <summary>Given a database with the schema: clusters of real silos on PostgreSQL clustering, state and reminders.</summary>
[Trait("Category", "Postgres")]
public sealed class PostgresClusterTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task Three_silos_form_one_cluster_and_share_the_grains()
    {
        await using var cluster = await PostgresCluster.StartAsync(_database, 3);
        var skus = Enumerable.Range(0, 60).Select(i => TestIds.New($"SPREAD{i}")).ToList();

        await Task.WhenAll(skus.Select(sku => cluster.Client.Inventory(sku).Receive(5, DateTimeOffset.UtcNow)));

        var management = cluster.Client.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetHosts(onlyActive: true);
        var statistics = await management.GetSimpleGrainStatistics();
        var silosHoldingInventory = statistics
            .Where(s => s.GrainType.Contains(nameof(IInventoryGrain)[1..], StringComparison.Ordinal) && s.ActivationCount > 0)
            .Select(s => s.SiloAddress)
            .Distinct()
            .Count();

        Assert.Equal(3, hosts.Count);
        Assert.True(silosHoldingInventory >= 2, $"inventory grains were active on {silosHoldingInventory} silo(s)");
        Assert.Equal(3L, await _database.ScalarAsync<long>("SELECT count(*) FROM orleans_membership WHERE status = 3"));
    }

    [Fact]
    public async Task Killing_a_silo_loses_no_acknowledged_reservation()
    {
        await using var cluster = await PostgresCluster.StartAsync(_database, 3);
        var skus = Enumerable.Range(0, 40).Select(i => TestIds.New($"KILL{i}")).ToList();
        await Task.WhenAll(skus.Select(sku => cluster.Client.Inventory(sku).Receive(10, DateTimeOffset.UtcNow)));
        var acknowledged = await Task.WhenAll(skus.Select(sku => cluster.Client.Inventory(sku).Reserve(new ReserveStock("r1", "web", 4, TtlSeconds: 3600))));
        Assert.All(acknowledged, r => Assert.Equal(ReservationResultCode.Created, r.Code));

        await cluster.KillSiloAsync(cluster.SecondarySilos[0]);

        foreach (var sku in skus)
        {
            var reservation = await PostgresCluster.SettledAsync(() => cluster.Client.Inventory(sku).GetReservation("r1"));
            Assert.Equal(ReservationStatus.Active, reservation.Reservation?.Status);
            Assert.Equal(6, reservation.Available);
        }
    }

    [Fact]
    public async Task Stock_and_reservations_survive_a_full_cluster_restart()
    {
        var sku = TestIds.New("RESTART");
        await using (var first = await PostgresCluster.StartAsync(_database, 1))
        {
            var grain = first.Client.Inventory(sku);
            await grain.Receive(25, DateTimeOffset.UtcNow);
            await grain.Reserve(new ReserveStock("r1", "web", 5, TtlSeconds: 3600));
            await first.StopAllSilosAsync();
        }

        await using var second = await PostgresCluster.StartAsync(_database, 1);
        var detail = await second.Client.Inventory(sku).GetDetail();
        var network = await second.Client.Sku(sku).GetAvailability(AvailabilityQuery.Now, []);

        Assert.Equal(25, detail.OnHand);
        Assert.Equal(5, detail.Reserved);
        Assert.Equal("r1", Assert.Single(detail.Reservations).ReservationId);
        Assert.Equal(20, network.Available);
    }

    [Fact]
    public async Task State_is_one_row_per_sku_location_plus_one_per_reservation_and_reloads_after_deactivation()
    {
        await using var cluster = await PostgresCluster.StartAsync(_database, 2);
        var sku = TestIds.New("ROW");
        var grain = cluster.Client.Inventory(sku);
        await grain.Receive(8, DateTimeOffset.UtcNow);
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => grain.Reserve(new ReserveStock($"r{i}", "web", 1, AllowPartial: true))));

        await cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var detail = await grain.GetDetail();

        Assert.Equal(8, detail.Reserved);
        Assert.Equal(1L, await _database.ScalarAsync<long>($"SELECT count(*) FROM grid_inventory WHERE grain_key = '{sku}@DC1'"));
        Assert.Equal(8L, await _database.ScalarAsync<long>($"SELECT count(*) FROM grid_inventory_reservation WHERE grain_key = '{sku}@DC1'"));
    }
}
