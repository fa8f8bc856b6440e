using Grid.Domain.Kpis;

namespace Grid.Tests.Kpis;

/// <summary>The KPI history's percentiles: two significant figures, nearest rank, merged by adding counts.</summary>
[Trait("Category", "Unit")]
public sealed class LatencyDigestTests
{
    [Theory]
    [InlineData(600, 600)]
    [InlineData(1800, 1800)]
    [InlineData(0.06, 0.06)]
    [InlineData(0.0612, 0.061)]
    [InlineData(1234, 1200)]
    [InlineData(99.6, 100)]
    [InlineData(1000, 1000)]
    [InlineData(0.0004, 0)]
    public void A_duration_is_kept_to_two_significant_figures(double seconds, double kept)
        => Assert.Equal(kept, LatencyDigest.ValueOf(LatencyDigest.KeyOf(seconds)));

    [Fact]
    public void Percentiles_are_the_nearest_rank_of_what_was_added()
    {
        var digest = new LatencyDigest();
        foreach (var seconds in new[] { 600.0, 60, 1800, 120 })
        {
            digest.Add(seconds);
        }

        Assert.Equal((120.0, 1800.0, 1800.0), (digest.Percentile(0.5), digest.Percentile(0.9), digest.Percentile(0.99)));
    }

    [Fact]
    public void Merged_digests_count_both()
    {
        var (first, second) = (new LatencyDigest(), new LatencyDigest());
        first.Add(10);
        second.Add(20);
        second.Add(30);

        first.Merge(second);

        Assert.Equal((3L, 20.0), (first.Count, first.Percentile(0.5)));
    }

    [Fact]
    public void An_empty_digest_has_no_percentiles() => Assert.Null(new LatencyDigest().Percentile(0.5));
}
