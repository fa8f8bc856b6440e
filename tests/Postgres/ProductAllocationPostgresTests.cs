using Grid.Inventory;
using Grid.Tests.Grains;

namespace Grid.Tests.Postgres;

/// <summary>
/// Given a database with the schema: a product allocation policy and what its quotas consumed are kept in PostgreSQL,
/// so after a full cluster restart the quota is still enforced, at a new location too, and a release still gives its units back.
/// </summary>
[Trait("Category", "Postgres")]
public sealed class ProductAllocationPostgresTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task A_quota_consumed_in_a_race_stays_consumed_after_a_restart_and_a_release_returns_it()
    {
        var tag = TestIds.Tag();
        var (sku, dc1) = ($"SKU-{tag}", $"DC1-{tag}");
        var policy = new AllocationPolicyInput("launch", null, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(7),
            [new QuotaRowInput(QuotaAudience.Channel, "web", 5)], 0);
        await using (var first = await PostgresCluster.StartAsync(_database, 1))
        {
            await first.Client.Inventory(sku, dc1).Receive(100, DateTimeOffset.UtcNow);
            Assert.NotNull((await first.Client.GetGrain<IProductAllocationGrain>(Identifiers.SkuGrainKey(sku)).SetPolicy(policy)).Allocation);

            var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
                first.Client.Inventory(sku, dc1).Reserve(new ReserveStock($"r{i}-{tag}", "web", 1, 3600))));
            Assert.Equal(5, answers.Count(a => a.Code == ReservationResultCode.Created));
            Assert.Equal(7, answers.Count(a => a.Code == ReservationResultCode.QuotaExhausted));
            await Eventually.ReadAsync(() => ConsumedAsync(first.Client, sku), c => c == 5, "the SKU-location's report");
            await first.StopAllSilosAsync();
        }

        await using var second = await PostgresCluster.StartAsync(_database, 1);
        var inventory = second.Client.Inventory(sku, dc1);
        Assert.Equal(5, await ConsumedAsync(second.Client, sku));
        Assert.Equal(ReservationResultCode.QuotaExhausted, (await inventory.Reserve(new ReserveStock($"late-{tag}", "web", 1))).Code);

        var held = (await inventory.GetDetail()).Reservations.First();
        await inventory.Release(held.ReservationId);
        await Eventually.ReadAsync(() => ConsumedAsync(second.Client, sku), c => c == 4, "the release's quota back");
        Assert.Equal(ReservationResultCode.Created, (await inventory.Reserve(new ReserveStock($"again-{tag}", "web", 1))).Code);

        // A location that gets stock only now asks for quota too: the SKU's flag was kept.
        var dc2 = second.Client.Inventory(sku, $"DC2-{tag}");
        await dc2.Receive(10, DateTimeOffset.UtcNow);
        Assert.Equal(ReservationResultCode.QuotaExhausted, (await dc2.Reserve(new ReserveStock($"dc2-{tag}", "web", 1))).Code);
    }

    private static async Task<long> ConsumedAsync(IClusterClient client, string sku)
        => (await client.GetGrain<IProductAllocationGrain>(Identifiers.SkuGrainKey(sku)).Get()).Policies[0].Buckets[0].Consumed;
}
