using Grid.Hosting;
using Grid.Outbound;
using Grid.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Grid.Tests.Outbound;

/// <summary>
/// Given a two-silo in-process cluster (in-memory providers) whose silos ask the subscription registry for changes every
/// 200 ms: a change made on either silo reaches the router of both.
/// </summary>
[Trait("Category", "Grains")]
public sealed class SubscriptionRoutingTests : IAsyncLifetime
{
    private const string OrderAccepted = "grid.order.accepted.v1";

    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Grid:Outbound:SubscriptionRefresh"] = "00:00:00.200",
        }).Build();
        _cluster = await TestClusters.StartAsync(2, silo =>
        {
            silo.Services.AddGridGrains(configuration);
            silo.UseGridInMemoryProviders();
        });
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Every_silo_routes_to_a_subscription_and_stops_after_its_deletion_within_the_refresh_period()
    {
        var registry = _cluster.Client.GetGrain<ISubscriptionRegistryGrain>(ISubscriptionRegistryGrain.Key);
        var routers = _cluster.Silos.Select(s => s.SiloHost.Services.GetRequiredService<OutboundRouter>()).ToList();
        var name = "sub-" + TestIds.Tag();

        var made = await registry.Create(name, new SubscriptionSettings("http://127.0.0.1:9/hooks", ["grid.order.*"], null, null, null, null, null), "a secret");
        Assert.Equal(SubscriptionCode.Done, made.Code);
        await Eventually.ThatAsync(
            () => Task.FromResult(routers.All(r => r.TargetsFor(OrderAccepted).Contains(name))), "both silos routing order events to the subscription", TimeSpan.FromSeconds(10));

        Assert.Equal(SubscriptionCode.Done, (await registry.Delete(name)).Code);
        await Eventually.ThatAsync(
            () => Task.FromResult(routers.All(r => !r.TargetsFor(OrderAccepted).Contains(name) && r.Target(name) is null)), "neither silo routing to it", TimeSpan.FromSeconds(10));
    }
}
