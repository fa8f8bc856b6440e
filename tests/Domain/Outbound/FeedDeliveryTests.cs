using Grid.Domain.Outbound;

namespace Grid.Tests.Domain.Outbound;

/// <summary>A target's availability cursor over the feed: when it moves, when it waits, and what it gives up on.</summary>
[Trait("Category", "Domain")]
public sealed class FeedDeliveryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    private static readonly RetryPolicy Policy = new(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10), MaxAttempts: 3, MaxAge: TimeSpan.FromHours(1));

    private static FeedRequest Request(long first, long last, int? status)
    {
        var events = Enumerable.Range((int)first, (int)(last - first + 1))
            .Select(p => new QueuedEvent(new OutgoingEvent($"availability-e-{p}", "grid.inventory.availability.changed.v1", $"inventory/SKU-{p}@DC1", T0, p, "{}"), p, T0))
            .ToList();
        return new FeedRequest(events, last, new AttemptResult(status, null, null, TimeSpan.Zero));
    }

    private static FeedDelivery Following()
    {
        var delivery = new FeedDelivery();
        delivery.Follow("e");
        return delivery;
    }

    [Fact]
    public void Answered_requests_move_the_cursor_to_where_the_page_was_read_up_to()
    {
        var delivery = Following();

        var dead = delivery.Settle([Request(1, 3, 200), Request(4, 5, 204)], readTo: 7, T0.AddSeconds(2), Policy, 0.5);

        Assert.Empty(dead);
        Assert.Equal((7L, 5L), (delivery.Position, delivery.Delivered));
        Assert.Equal(T0.AddSeconds(2), delivery.LastDeliveredAt);
        Assert.All(delivery.RecentLags, lag => Assert.Equal(2, lag));
    }

    [Fact]
    public void A_request_to_be_tried_again_holds_the_cursor_after_the_requests_before_it_and_backs_off()
    {
        var delivery = Following();

        delivery.Settle([Request(1, 2, 200), Request(3, 4, 503), Request(5, 6, 200)], readTo: 6, T0, Policy, 0.5);

        Assert.Equal(2, delivery.Position);
        Assert.False(delivery.Due(T0));
        Assert.True(delivery.Due(T0.AddSeconds(1)));
        Assert.Equal(("HTTP 503", 1), (delivery.LastError, delivery.Attempts));
    }

    [Fact]
    public void A_request_refused_for_good_is_dead_lettered_and_the_cursor_goes_on()
    {
        var delivery = Following();

        var dead = delivery.Settle([Request(1, 2, 400), Request(3, 3, 200)], readTo: 3, T0, Policy, 0.5);

        Assert.Equal(["inventory/SKU-1@DC1", "inventory/SKU-2@DC1"], dead.Select(d => d.Queued.Event.Subject));
        Assert.Equal((3L, 1L, 2), (delivery.Position, delivery.Delivered, delivery.DeadLetters.Count));
        Assert.True(delivery.Due(T0));
    }

    [Fact]
    public void A_change_that_keeps_failing_is_given_up_on_after_the_policys_attempts()
    {
        var delivery = Following();
        var now = T0;
        for (var attempt = 1; attempt < Policy.MaxAttempts; attempt++)
        {
            Assert.Empty(delivery.Settle([Request(1, 1, 500)], readTo: 1, now, Policy, 0.5));
            now = delivery.RetryAt!.Value;
        }

        var dead = delivery.Settle([Request(1, 1, 500)], readTo: 1, now, Policy, 0.5);

        Assert.Equal(3, Assert.Single(dead).Queued.Attempts);
        Assert.Equal((1L, 0), (delivery.Position, delivery.Attempts));
    }

    [Fact]
    public void Replayed_dead_letters_leave_the_list_and_count_as_delivered()
    {
        var delivery = Following();
        delivery.Settle([Request(1, 3, 410)], readTo: 3, T0, Policy, 0.5);

        var taken = delivery.TakeDeadLetters(["availability-e-2"]);
        delivery.Replayed(taken.Count, T0);

        Assert.Equal("inventory/SKU-2@DC1", Assert.Single(taken).Queued.Event.Subject);
        Assert.Equal((2, 1L), (delivery.DeadLetters.Count, delivery.Delivered));
    }

    [Fact]
    public void A_cursor_of_another_feed_starts_again_from_the_beginning_and_an_empty_page_moves_it_to_the_horizon()
    {
        var delivery = Following();
        Assert.True(delivery.Skip(40));
        Assert.False(delivery.Skip(40));

        delivery.Follow("e");
        Assert.Equal(40, delivery.Position);
        delivery.Follow("another");
        Assert.Equal(0, delivery.Position);
    }

    [Fact]
    public void A_paused_delivery_is_not_due()
    {
        var delivery = Following();
        delivery.SetPaused(true);

        Assert.False(delivery.Due(T0));
    }
}
