using Grid.Outbound;

namespace Grid.Tests.Postgres;

/// <summary>Given a database with the schema: a location's reconciliation ledger and shards are grain state in PostgreSQL and outlive the silos.</summary>
[Trait("Category", "Postgres")]
public sealed class ReconciliationPersistenceTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task Reports_and_the_snapshot_ids_seen_survive_a_full_cluster_restart()
    {
        var tag = TestIds.Tag();
        var (east, west) = ($"E-{tag}", $"W-{tag}");
        var items = Enumerable.Range(0, 30).Select(i => new SnapshotItem($"SKU-{tag}-{i:D2}", i + 1)).ToList();
        var snapshot = new StockSnapshot($"S-{tag}", east, DateTimeOffset.UtcNow, [.. items]);
        ReconcileResult first;
        await using (var cluster = await PostgresCluster.StartAsync(_database, 1))
        {
            var reconciliation = cluster.Client.GetGrain<IReconciliationGrain>(0);
            first = await reconciliation.Reconcile(snapshot);
            await reconciliation.Reconcile(new StockSnapshot($"S2-{tag}", west, DateTimeOffset.UtcNow, [items[0]]));
            await cluster.StopAllSilosAsync();
        }

        await using var second = await PostgresCluster.StartAsync(_database, 1);
        var reloaded = second.Client.GetGrain<IReconciliationGrain>(0);
        var listed = Assert.Single(await reloaded.GetReports(east, 20));
        Assert.Equal((30, 30), (listed.Compared, listed.Discrepancies.Length));
        Assert.Equal(first.Report!.Discrepancies.Select(d => (d.Sku, d.ErpOnHand, d.GridOnHand)), listed.Discrepancies.Select(d => (d.Sku, d.ErpOnHand, d.GridOnHand)));
        Assert.Equal([$"S2-{tag}", $"S-{tag}"], (await reloaded.GetReports(null, 200)).Where(r => r.SnapshotId.EndsWith(tag, StringComparison.Ordinal)).Select(r => r.SnapshotId));

        // What it remembers works on: a repeat answers the stored report, other content under the id is refused.
        var repeat = await reloaded.Reconcile(snapshot);
        Assert.Equal((ReconcileCode.Repeated, first.Report.ReconciledAt), (repeat.Code, repeat.Report!.ReconciledAt));
        Assert.Equal(ReconcileCode.Conflict, (await reloaded.Reconcile(snapshot with { Items = [items[0]] })).Code);
    }
}
