using Grid.Gateway.Events;

namespace Grid.Tests.Gateway;

/// <summary>The share of event batches refused while a queue is between an eighth and three eighths of MaxLag behind.</summary>
[Trait("Category", "Unit")]
public sealed class RefusalShareTests
{
    [Fact]
    public void A_share_is_refused_evenly_spread()
    {
        var share = new RefusalShare();

        var refused = Enumerable.Range(0, 8).Select(_ => share.Refuses(0.25)).ToList();

        Assert.Equal([false, false, false, true, false, false, false, true], refused);
    }

    [Fact]
    public void No_share_refuses_nothing_and_a_whole_share_refuses_everything()
    {
        var share = new RefusalShare();

        Assert.DoesNotContain(true, Enumerable.Range(0, 10).Select(_ => share.Refuses(0)));
        Assert.DoesNotContain(false, Enumerable.Range(0, 10).Select(_ => share.Refuses(1)));
    }

    [Fact]
    public void Clearing_forgets_what_was_owed()
    {
        var share = new RefusalShare();
        share.Refuses(0.9);

        share.Clear();

        Assert.False(share.Refuses(0.5));
    }

    [Theory]
    [InlineData(0.2, 0.0)]
    [InlineData(0.25, 0.0)]
    [InlineData(0.5, 0.5)]
    [InlineData(0.75, 1.0)]
    [InlineData(3.0, 1.0)]
    public void The_share_grows_from_an_eighth_to_three_eighths_of_MaxLag(double lagSeconds, double expected)
        => Assert.Equal(expected, IngestRefusal.ShareRefused(TimeSpan.FromSeconds(lagSeconds), TimeSpan.FromSeconds(2)), 6);
}
