using Grid.Domain.Outbound;
using Grid.Infrastructure;
using Grid.Outbound;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Grid.Tests.Outbound;

/// <summary>
/// After an upgrade from the single reconciliation grain, the discrepancy events its stored outbox still held reach
/// the targets, and its row goes.
/// </summary>
[Trait("Category", "Grains")]
[Collection(OutboundCollection.Name)]
public sealed class ReconciliationLeftoverTests(OutboundFixture fixture)
{
    [Fact]
    public async Task Events_left_in_the_old_single_grains_outbox_are_handed_on_and_its_row_removed()
    {
        var subject = $"reconciliation/OLD-{TestIds.Tag()}";
        var outbox = new Outbox();
        outbox.Add(OutboundEventTypes.ReconciliationDiscrepancy, subject, fixture.Clock.GetUtcNow(), new DiscrepancyEventData(
            "S-OLD", "OLD", "SKU-OLD", 10, 7, -3, fixture.Clock.GetUtcNow(), fixture.Clock.GetUtcNow(), null, false));
        var storage = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grid);
        var id = GrainId.Create("reconciliation", "0");
        await storage.WriteStateAsync("reconciliation", id, new GrainState<ReconciliationLeftover>(new ReconciliationLeftover(outbox)));

        var waiting = await fixture.Grains.GetGrain<IReconciliationLeftoverGrain>(0).Drain();

        Assert.Equal(0, waiting);
        await Eventually.ThatAsync(() => Task.FromResult(fixture.Receiver.AcceptedFor(subject).Any(r => r.Target == "erp")), $"{subject} delivered to erp");
        var row = new GrainState<ReconciliationLeftover>();
        await storage.ReadStateAsync("reconciliation", id, row);
        Assert.False(row.RecordExists);
    }
}
