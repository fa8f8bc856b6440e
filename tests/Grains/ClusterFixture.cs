using Grid.Hosting;
using Grid.Silo.Hosting;
using Grid.Silo.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace Grid.Tests.Grains;

/// <summary>
/// Given a two-silo in-process cluster on in-memory providers whose grains read a fake clock: tests move time
/// forward with <see cref="Clock"/> instead of sleeping. Background maintenance stays on real time.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    // Both silos keep SKU-location state in one store, as they would share one database.
    private readonly InMemoryInventoryStore _inventoryStore = new();

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        Cluster = await TestClusters.StartAsync(2, silo =>
        {
            silo.Services.AddSingleton<TimeProvider>(Clock);
            silo.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            silo.Services.AddGridGrains(new ConfigurationBuilder().Build());
            silo.UseGridInMemoryProviders(_inventoryStore);
        });
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "Cluster with a fake clock";
}
