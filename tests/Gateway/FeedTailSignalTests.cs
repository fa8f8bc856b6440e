using Grid.Gateway.Feed;
using Microsoft.Extensions.Time.Testing;

namespace Grid.Tests.Gateway;

/// <summary>The inventory storage's word that it wrote: the feed's tail is read at once, and no word is lost.</summary>
[Trait("Category", "Unit")]
public sealed class FeedTailSignalTests
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public async Task A_wait_ends_at_the_next_poke()
    {
        var signal = new FeedTailSignal();
        var wait = signal.WaitAsync(Poll, _clock, CancellationToken.None);
        Assert.False(wait.IsCompleted);

        signal.Poke();

        await wait.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void A_poke_while_nobody_waited_ends_the_next_wait_at_once_and_only_that_one()
    {
        var signal = new FeedTailSignal();
        signal.Poke();

        Assert.True(signal.WaitAsync(Poll, _clock, CancellationToken.None).IsCompleted);
        Assert.False(signal.WaitAsync(Poll, _clock, CancellationToken.None).IsCompleted);
    }

    [Fact]
    public async Task Without_a_poke_a_wait_ends_at_the_poll()
    {
        var signal = new FeedTailSignal();
        var wait = signal.WaitAsync(Poll, _clock, CancellationToken.None);

        _clock.Advance(Poll);

        await wait.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
