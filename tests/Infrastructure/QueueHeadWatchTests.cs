using Grid.Streams;

namespace Grid.Tests.Infrastructure;

/// <summary>
/// Telling a queue that is read but behind from one nobody reads for the moment, from the heads successive
/// measurements find: a head that moves means the queue is read; one found again has stood still since it was first
/// found, and that time does not count as the queue falling behind.
/// </summary>
[Trait("Category", "Unit")]
public sealed class QueueHeadWatchTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private readonly QueueHeadWatch _watch = new();

    [Fact]
    public void A_queue_whose_head_moves_is_as_far_behind_as_its_oldest_message_has_waited()
    {
        Observe(0.0, Head(1, age: 0.8));

        var lag = Observe(0.25, Head(5, age: 0.9));

        Assert.Equal(new QueueLag(Seconds(0.9), TimeSpan.Zero), lag);
    }

    [Fact]
    public void A_head_found_again_has_gone_unread_since_it_was_first_found_and_its_lag_stays_where_it_was()
    {
        Observe(0.0, Head(1, age: 0.1));
        Observe(0.25, Head(1, age: 0.35));

        var lag = Observe(3.0, Head(1, age: 3.1));

        Assert.Equal(new QueueLag(Seconds(0.1), Seconds(3.0)), lag);
    }

    [Fact]
    public void Once_read_again_the_time_the_head_stood_still_is_left_out_of_the_wait()
    {
        Observe(0.0, Head(1, age: 0.1));
        Observe(3.0, Head(1, age: 3.1));

        // Queued 2.9 s ago, at 0.1: it waited while the head stood still (from 0.0 until found moved at 3.0), then 0 s.
        var lag = Observe(3.0, Head(2, age: 2.9));

        Assert.Equal(QueueLag.None, lag);
    }

    [Fact]
    public void Waiting_after_the_stop_counts_again()
    {
        Observe(0.0, Head(1, age: 0.1));
        Observe(3.0, Head(1, age: 3.1));
        Observe(3.25, Head(2, age: 3.0));

        // Queued at 2.75, during the stop (found over at 3.25): it has waited 1 s since.
        var lag = Observe(4.25, Head(3, age: 1.5));

        Assert.Equal(new QueueLag(Seconds(1.0), TimeSpan.Zero), lag);
    }

    [Fact]
    public void A_message_queued_after_the_stop_waited_all_its_age()
    {
        Observe(0.0, Head(1, age: 0.1));
        Observe(3.0, Head(1, age: 3.1));
        Observe(3.25, Head(2, age: 3.0));

        var lag = Observe(6.0, Head(3, age: 2.0));

        Assert.Equal(new QueueLag(Seconds(2.0), TimeSpan.Zero), lag);
    }

    [Fact]
    public void A_queue_found_empty_is_not_behind_and_starts_afresh()
    {
        Observe(0.0, Head(1, age: 0.1));
        Observe(3.0, Head(1, age: 3.1));
        Assert.Equal(QueueLag.None, _watch.Observe(new Dictionary<int, QueueHead>(), At(3.25)).GetValueOrDefault(0));

        var lag = Observe(3.5, Head(7, age: 0.2));

        Assert.Equal(new QueueLag(Seconds(0.2), TimeSpan.Zero), lag);
    }

    [Fact]
    public void Queues_are_watched_each_on_its_own()
    {
        _watch.Observe(new Dictionary<int, QueueHead> { [0] = Head(1, 0.1), [1] = Head(2, 0.1) }, At(0));

        var lags = _watch.Observe(new Dictionary<int, QueueHead> { [0] = Head(1, 1.1), [1] = Head(3, 0.9) }, At(1));

        Assert.Equal(new QueueLag(Seconds(0.1), Seconds(1)), lags[0]);
        Assert.Equal(new QueueLag(Seconds(0.9), TimeSpan.Zero), lags[1]);
    }

    private QueueLag Observe(double atSeconds, QueueHead head)
        => _watch.Observe(new Dictionary<int, QueueHead> { [0] = head }, At(atSeconds))[0];

    private static QueueHead Head(long messageId, double age) => new(new QueuePosition(100, messageId), Seconds(age));

    private static DateTimeOffset At(double seconds) => Start + Seconds(seconds);

    private static TimeSpan Seconds(double seconds) => TimeSpan.FromSeconds(seconds);
}
