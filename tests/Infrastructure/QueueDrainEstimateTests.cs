using Grid.Streams;

namespace Grid.Tests.Infrastructure;

/// <summary>A queue's wait for a message queued now: the head's age, stretched by how slowly the head moves on.</summary>
[Trait("Category", "Unit")]
public sealed class QueueDrainEstimateTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_empty_queue_has_no_wait()
    {
        var estimate = new QueueDrainEstimate();

        estimate.Observe(null, Start);

        Assert.Equal(TimeSpan.Zero, estimate.Wait);
    }

    [Fact]
    public void A_queue_whose_head_keeps_its_age_keeps_up_and_waits_the_heads_age()
    {
        var estimate = new QueueDrainEstimate();

        for (var i = 0; i < 8; i++)
        {
            estimate.Observe(TimeSpan.FromMilliseconds(200), Start.AddMilliseconds(250 * i));
        }

        Assert.Equal(1, estimate.Rate, 3);
        Assert.Equal(TimeSpan.FromMilliseconds(200), estimate.Wait);
    }

    [Fact]
    public void A_queue_filling_five_times_faster_than_it_drains_waits_five_times_its_heads_age()
    {
        var estimate = new QueueDrainEstimate();

        // Each 250 ms the head moves on by 50 ms of enqueue time: it ages by 200 ms per step.
        for (var i = 0; i < 12; i++)
        {
            estimate.Observe(TimeSpan.FromMilliseconds(200 * i), Start.AddMilliseconds(250 * i));
        }

        Assert.Equal(0.2, estimate.Rate, 2);
        Assert.InRange(estimate.Wait.TotalSeconds, 5 * 2.2 * 0.95, 5 * 2.2 * 1.05);
    }

    [Fact]
    public void A_stalled_queue_waits_at_most_twenty_times_its_heads_age()
    {
        var estimate = new QueueDrainEstimate();

        for (var i = 0; i < 20; i++)
        {
            estimate.Observe(TimeSpan.FromMilliseconds(250 * i), Start.AddMilliseconds(250 * i));
        }

        Assert.Equal(TimeSpan.FromMilliseconds(250 * 19 * 20), estimate.Wait);
    }

    [Fact]
    public void A_queue_that_empties_starts_its_next_backlog_as_keeping_up()
    {
        var estimate = new QueueDrainEstimate();
        for (var i = 0; i < 6; i++)
        {
            estimate.Observe(TimeSpan.FromMilliseconds(250 * i), Start.AddMilliseconds(250 * i));
        }

        estimate.Observe(null, Start.AddSeconds(2));
        estimate.Observe(TimeSpan.FromMilliseconds(100), Start.AddSeconds(2.25));

        Assert.Equal(1, estimate.Rate);
        Assert.Equal(TimeSpan.FromMilliseconds(100), estimate.Wait);
    }
}
