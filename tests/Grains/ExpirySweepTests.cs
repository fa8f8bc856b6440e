using Grid.Hosting;
using Grid.Silo.Hosting;
using Grid.Inventory;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;

namespace Grid.Tests.Grains;

/// <summary>
/// Given a cluster on real time whose expiry sweep ticks every second: a reservation of a SKU-location that is
/// no longer active still expires, because the sweep finds it through its stored expiry and wakes it.
/// </summary>
[Trait("Category", "Grains")]
public sealed class ExpirySweepTests : IAsyncLifetime
{
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Grid:Inventory:ExpiryReminderPeriod"] = "00:00:01" })
            .Build();
        _cluster = await TestClusters.StartAsync(1, silo =>
        {
            silo.Services.AddGridGrains(configuration);
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            silo.UseGridInMemoryProviders();
        });
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_reservation_of_a_deactivated_sku_location_expires_by_the_cluster_sweep()
    {
        var sku = TestIds.New("REM");
        var grain = _cluster.Client.Inventory(sku);
        await grain.Receive(10, DateTimeOffset.UtcNow);
        await grain.Reserve(new ReserveStock("r1", "web", 4, TtlSeconds: 2));
        await Eventually.ReadAsync(() => _cluster.Client.Sku(sku).GetAvailability(AvailabilityQuery.Now, []), a => a.Available == 6);

        await _cluster.DeactivateAsync(grain);

        // Only the SKU grain is read: it hears of the expiry when the sweep wakes the SKU-location.
        var network = await Eventually.ReadAsync(
            () => _cluster.Client.Sku(sku).GetAvailability(AvailabilityQuery.Now, []), a => a.Available == 10);
        Assert.Equal(10, network.Available);
    }
}
