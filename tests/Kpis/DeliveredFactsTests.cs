using Grid.Domain.Kpis;

namespace Grid.Tests.Kpis;

/// <summary>A publisher's round told to the KPI history as one fact per latency bucket, counting what is in it.</summary>
[Trait("Category", "Unit")]
public sealed class DeliveredFactsTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);

    private static readonly double[] Seconds = [0.012, 0.0121, 0.5, 0.51, 0.51, 3.3];

    [Fact]
    public void Deliveries_in_one_bucket_are_one_fact_with_their_count()
    {
        var facts = KpiFact.Delivered(At, "erp", [TimeSpan.FromMilliseconds(61.2), TimeSpan.FromMilliseconds(61.4), TimeSpan.FromSeconds(2)]).ToList();

        Assert.Equal([2L, 1L], facts.Select(f => f.Count).Order().Reverse());
        Assert.All(facts, f => Assert.Equal(("erp", KpiFactKind.Delivered), (f.Key, f.Kind)));
    }

    [Fact]
    public void A_slot_given_the_bucketed_facts_holds_the_same_latencies_as_one_given_a_fact_per_delivery()
    {
        var lags = Seconds.Select(TimeSpan.FromSeconds).ToList();
        var (bucketed, single) = (new KpiSlot(), new KpiSlot());

        foreach (var fact in KpiFact.Delivered(At, "erp", lags))
        {
            bucketed.Apply(fact);
        }

        foreach (var lag in lags)
        {
            single.Apply(KpiFact.Delivered(At, "erp", lag));
        }

        var (b, s) = (bucketed.SyncLatency["erp"], single.SyncLatency["erp"]);
        Assert.Equal(s.Count, b.Count);
        Assert.Equal(s.Buckets.OrderBy(x => x.Key), b.Buckets.OrderBy(x => x.Key));
    }
}
