using Grid.Orders;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Grid.Tests.Grains.Orders;

/// <summary>Each silo's copy of the location directory, which orders source from instead of the one directory grain.</summary>
[Trait("Category", "Grains")]
[Collection(ClusterCollection.Name)]
public sealed class LocationDirectoryCopyTests(ClusterFixture fixture)
{
    private readonly OrderScenario _s = new(fixture);

    [Fact]
    public async Task A_location_added_after_every_silo_copied_the_directory_is_a_candidate_on_every_silo_once_the_change_is_answered()
    {
        var (early, late) = (_s.Location("DC2"), _s.Location("DC1"));
        await _s.AddLocation(early, priority: 2);
        var copies = fixture.Cluster.Silos.Cast<InProcessSiloHandle>().Select(s => s.ServiceProvider.GetRequiredService<LocationDirectoryCache>()).ToList();
        Assert.Equal(2, copies.Count);
        foreach (var copy in copies)
        {
            Assert.Equal([early], (await copy.CandidatesAsync(_s.Region)).Select(l => l.Location));
        }

        await _s.AddLocation(late, priority: 1);

        foreach (var copy in copies)
        {
            Assert.Equal([late, early], (await copy.CandidatesAsync(_s.Region)).Select(l => l.Location));
        }
    }

    [Fact]
    public async Task An_order_submitted_after_a_location_changed_its_priority_sources_from_the_new_first()
    {
        var (sku, dc1, dc2) = (_s.Sku(), _s.Location("DC1"), _s.Location("DC2"));
        await _s.AddLocation(dc1, priority: 1);
        await _s.AddLocation(dc2, priority: 2);
        await _s.Receive(sku, dc1, 10);
        await _s.Receive(sku, dc2, 10);
        Assert.Equal(4, (await _s.Submit("1", false, new OrderLineInput("L1", sku, 4))).Order!.Lines[0].AllocatedAt(dc1));

        await _s.AddLocation(dc1, priority: 3);

        Assert.Equal(4, (await _s.Submit("2", false, new OrderLineInput("L1", sku, 4))).Order!.Lines[0].AllocatedAt(dc2));
    }
}
