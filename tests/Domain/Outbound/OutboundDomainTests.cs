using System.Text;
using Grid.Domain.Outbound;

namespace Grid.Tests.Domain.Outbound;

/// <summary>The publisher queue's rules, back-off, rate limit and signatures, with time as data.</summary>
[Trait("Category", "Domain")]
public sealed class OutboundDomainTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    private static readonly RetryPolicy Policy = new(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10), MaxAttempts: 3, MaxAge: TimeSpan.FromHours(1));
    private static readonly Retention Keep = new(100, TimeSpan.FromDays(1));

    private static OutgoingEvent Event(string subject, long sourceSequence, string type = "grid.order.accepted.v1", string? data = null)
        => new($"{subject}#{sourceSequence}", type, subject, T0, sourceSequence, data ?? $$"""{"n":{{sourceSequence}}}""");

    private static AttemptResult Status(int? status, TimeSpan? retryAfter = null) => new(status, retryAfter, null, TimeSpan.Zero);

    [Fact]
    public void Each_subject_is_numbered_from_one_and_only_its_head_is_delivered_until_it_is_acknowledged()
    {
        var queue = new PublisherQueue();
        queue.Accept([Event("order/1", 1), Event("order/1", 2), Event("order/2", 1)], T0);

        var first = queue.TakeDue(T0, 10);

        Assert.Equal([("order/1", 1L), ("order/2", 1L)], first.Select(d => (d.Queued.Event.Subject, d.Queued.Sequence)).Order());
        Assert.Empty(queue.TakeDue(T0, 10));
        queue.Complete(first.Single(d => d.Queued.Event.Subject == "order/1"), Status(204), T0, Policy, Keep, 0.5);
        Assert.Equal("00000000000000000002", Assert.Single(queue.TakeDue(T0, 10)).Queued.SequenceText);
    }

    [Fact]
    public void A_hand_off_repeated_after_a_crash_is_dropped_by_its_source_sequence()
    {
        var queue = new PublisherQueue();
        queue.Accept([Event("order/1", 1), Event("order/1", 2)], T0);

        var again = queue.Accept([Event("order/1", 1), Event("order/1", 2), Event("order/1", 3)], T0);

        Assert.Equal((1, 2), (again.Queued, again.Duplicates));
        Assert.Equal(3, queue.Depth);
    }

    [Fact]
    public void A_newer_availability_change_replaces_the_undelivered_one_but_not_one_in_flight()
    {
        var queue = new PublisherQueue();
        const string type = "grid.inventory.availability.changed.v1";
        queue.Accept([Event("inventory/A@DC1", 1, type)], T0);
        var replaced = queue.Accept([Event("inventory/A@DC1", 2, type)], T0);
        Assert.Equal((0, 1, 1L), (replaced.Queued, replaced.Coalesced, queue.Depth));

        var inFlight = Assert.Single(queue.TakeDue(T0, 1));
        Assert.Equal(("inventory/A@DC1#2", 1L), (inFlight.Queued.Event.Id, inFlight.Queued.Sequence));
        queue.Accept([Event("inventory/A@DC1", 3, type)], T0);
        Assert.Equal(2, queue.Depth);
    }

    [Fact]
    public void Retryable_failures_back_off_and_go_to_the_dead_letters_after_the_last_attempt_a_4xx_at_once()
    {
        var queue = new PublisherQueue();
        queue.Accept([Event("order/1", 1), Event("order/2", 1)], T0);
        var deliveries = queue.TakeDue(T0, 10);
        var retried = deliveries.Single(d => d.Queued.Event.Subject == "order/1");

        Assert.Equal(DeliveryVerdict.Retry, queue.Complete(retried, Status(503), T0, Policy, Keep, 0.0));
        Assert.Equal(DeliveryVerdict.Permanent, queue.Complete(deliveries.Single(d => d.Queued.Event.Subject == "order/2"), Status(400), T0, Policy, Keep, 0.0));
        Assert.Equal(T0.AddSeconds(0.5), queue.NextDueAt());
        Assert.Empty(queue.TakeDue(T0.AddSeconds(0.4), 10));

        var now = T0;
        for (var attempt = 2; attempt <= 3; attempt++)
        {
            now = queue.NextDueAt()!.Value;
            queue.Complete(Assert.Single(queue.TakeDue(now, 10)), Status(null), now, Policy, Keep, 0.0);
        }

        Assert.Equal(0, queue.Depth);
        Assert.Equal(["order/2", "order/1"], queue.DeadLetters.Select(d => d.Queued.Event.Subject));
        Assert.Contains("gave up after 3 attempt(s)", queue.DeadLetters[1].Reason, StringComparison.Ordinal);

        Assert.Equal(2, queue.Replay(null, now));
        Assert.Equal(2, queue.TakeDue(now, 10).Count);
    }

    [Fact]
    public void Redelivery_queues_retained_events_again_and_says_when_some_are_no_longer_retained()
    {
        var queue = new PublisherQueue();
        queue.Accept([Event("order/1", 1), Event("order/1", 2), Event("order/1", 3)], T0);
        var small = new Retention(2, TimeSpan.FromDays(1));
        for (var i = 0; i < 3; i++)
        {
            queue.Complete(Assert.Single(queue.TakeDue(T0, 10)), Status(200), T0, Policy, small, 0.5);
        }

        var from2 = queue.Redeliver("order/1", 2, T0, small);
        Assert.Equal((RedeliveryCode.Queued, 2, 3L), (from2.Code, from2.Queued, from2.LastSequence));
        Assert.Equal(2, queue.Depth);

        var from1 = queue.Redeliver("order/1", 1, T0, small);
        Assert.Equal((RedeliveryCode.NotRetained, 0, 2L), (from1.Code, from1.Queued, from1.OldestRetained));
        Assert.Equal(RedeliveryCode.NothingSent, queue.Redeliver("order/1", 4, T0, small).Code);
    }

    [Fact]
    public void Back_off_doubles_with_jitter_up_to_the_maximum_and_honours_a_longer_Retry_After()
    {
        var policy = new RetryPolicy(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60), 10, TimeSpan.FromDays(1));

        Assert.Equal(TimeSpan.FromSeconds(1), policy.Delay(1, null, 0));
        Assert.Equal(TimeSpan.FromSeconds(2), policy.Delay(1, null, 1));
        Assert.Equal(TimeSpan.FromSeconds(8), policy.Delay(3, null, 1));
        Assert.Equal(TimeSpan.FromSeconds(60), policy.Delay(12, null, 1));
        Assert.Equal(TimeSpan.FromSeconds(30), policy.Delay(1, TimeSpan.FromSeconds(30), 0));
        Assert.Equal(TimeSpan.FromHours(1), policy.Delay(1, TimeSpan.FromDays(2), 0));
        Assert.True(policy.GivesUp(1, T0, T0.AddDays(1)));
    }

    [Theory]
    [InlineData(200, DeliveryVerdict.Delivered)]
    [InlineData(204, DeliveryVerdict.Delivered)]
    [InlineData(408, DeliveryVerdict.Retry)]
    [InlineData(429, DeliveryVerdict.Retry)]
    [InlineData(500, DeliveryVerdict.Retry)]
    [InlineData(503, DeliveryVerdict.Retry)]
    [InlineData(400, DeliveryVerdict.Permanent)]
    [InlineData(401, DeliveryVerdict.Permanent)]
    [InlineData(410, DeliveryVerdict.Permanent)]
    [InlineData(422, DeliveryVerdict.Permanent)]
    public void Answers_are_classified_as_the_outbound_contract_says(int status, DeliveryVerdict verdict)
        => Assert.Equal(verdict, AttemptResult.Classify(status));

    [Fact]
    public void The_token_bucket_allows_its_burst_then_its_rate()
    {
        var bucket = new TokenBucket(rate: 10, burst: 5);
        Assert.Equal(5, bucket.Available(T0));
        bucket.Take(5, T0);
        Assert.Equal(0, bucket.Available(T0));
        Assert.Equal(TimeSpan.FromSeconds(0.1), bucket.UntilNext(T0));
        Assert.Equal(2, bucket.Available(T0.AddSeconds(0.25)));
        Assert.Equal(5, bucket.Available(T0.AddSeconds(10)));
    }

    [Fact]
    public void Signatures_match_the_Standard_Webhooks_reference_vector_and_verify_only_the_signed_bytes()
    {
        var key = WebhookSignature.Key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        var body = Encoding.UTF8.GetBytes("""{"test": 2432232314}""");

        var signature = WebhookSignature.Sign(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body);

        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
        Assert.True(WebhookSignature.Verify(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body, $"v1,old= {signature}"));
        Assert.False(WebhookSignature.Verify(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265331, body, signature));
        Assert.Equal(Encoding.UTF8.GetBytes("plain"), WebhookSignature.Key("plain"));
    }

    [Fact]
    public void A_SKU_location_stored_with_an_old_outbox_change_pending_is_due_for_the_sweep_until_it_forgets_it()
    {
        var inventory = Grid.Inventory.InventoryStateJson.DeserializeHeader(
            """{"Sku":"SKU-1","Location":"DC1","OutboundSequence":2,"OutboundHanded":1,"OutboundPendingSince":"2026-11-23T08:00:00+00:00"}"""u8);

        Assert.Equal(T0, inventory.TakeChanges().NextExpiry);
        Assert.True(inventory.ForgetOldAvailabilityOutbox());
        Assert.False(inventory.ForgetOldAvailabilityOutbox());
        Assert.Null(inventory.TakeChanges().NextExpiry);
        Assert.Equal((0L, 0L), (inventory.TakeChanges().Header.OutboundSequence, inventory.TakeChanges().Header.OutboundHanded));
    }
}
