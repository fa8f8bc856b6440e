using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using Grid.Outbound;

namespace Grid.Tests.Outbound;

/// <summary>Publishers delivering to a real local receiver that is down, slow, throttling or refusing on purpose.</summary>
[Trait("Category", "Grains")]
[Collection(OutboundCollection.Name)]
public sealed class WebhookDeliveryTests(OutboundFixture fixture)
{
    private const string Order = "grid.order.accepted.v1";
    private readonly string _tag = TestIds.Tag();

    private string Subject(string name) => $"order/{name}-{_tag}";

    [Fact]
    public async Task A_target_down_for_a_while_gets_everything_after_it_returns_in_sequence_order_per_subject_and_loses_nothing()
    {
        var subjects = Enumerable.Range(0, 6).Select(i => Subject($"down{i}")).ToList();
        var down = true;
        var replies = 0;
        fixture.Receiver.Behaviour = r => !subjects.Contains(r.Subject) || !down ? Reply.Ok
            : (Interlocked.Increment(ref replies) % 3) switch
            {
                0 => new Reply(503),
                1 => new Reply(429, RetryAfter: TimeSpan.FromSeconds(30)),
                _ => new Reply(200, Hang: TimeSpan.FromSeconds(3)),   // longer than the 1 s timeout
            };

        foreach (var subject in subjects)
        {
            await fixture.Publisher("erp", subject).Accept(OutboundFixture.Events(Order, subject, 5, fixture.Clock.GetUtcNow()));
        }

        // Every subject's head has been tried and refused at least once; nothing else was sent out of turn.
        await Eventually.ThatAsync(() => fixture.SkippingBackoff(() => subjects.All(s => fixture.Receiver.All.Any(r => r.Subject == s))), "a first attempt per subject");
        await Eventually.ThatAsync(() => fixture.SkippingBackoff(() => subjects.All(s => fixture.Receiver.All.Count(r => r.Subject == s) >= 2)), "retries after the back-off");
        Assert.All(subjects, s => Assert.DoesNotContain(fixture.Receiver.All, r => r.Subject == s && r.Sequence != "00000000000000000001"));

        down = false;
        await Eventually.ThatAsync(() => fixture.SkippingBackoff(() => subjects.All(s => fixture.Receiver.AcceptedFor(s).Count == 5)), "every event delivered");

        foreach (var subject in subjects)
        {
            var delivered = fixture.Receiver.AcceptedFor(subject).Where(r => r.Target == "erp").ToList();
            Assert.Equal(Enumerable.Range(1, 5).Select(i => i.ToString("D20", System.Globalization.CultureInfo.InvariantCulture)), delivered.Select(r => r.Sequence));
            Assert.Equal(Enumerable.Range(1, 5), delivered.Select(r => r.Data.GetProperty("n").GetInt32()));
        }

        var status = (await fixture.Ops.GetTargets()).Single(t => t.Target == "erp");
        Assert.True(status.FailedAttempts >= subjects.Count * 2);
        Assert.NotNull(status.LagP99Seconds);
    }

    [Fact]
    public async Task A_permanent_4xx_goes_to_the_dead_letters_the_subject_goes_on_and_a_replay_delivers_it()
    {
        var subject = Subject("dlq");
        var events = OutboundFixture.Events(Order, subject, 3, fixture.Clock.GetUtcNow());
        var refused = events[1].Id;
        var refuse = true;
        fixture.Receiver.Behaviour = r => r.Id == refused && refuse ? new Reply(422) : Reply.Ok;

        await fixture.Publisher("erp", subject).Accept(events);

        await Eventually.ThatAsync(() => fixture.SkippingBackoff(() => fixture.Receiver.AcceptedFor(subject).Count(r => r.Target == "erp") == 2), "the other two delivered");
        var letters = await fixture.Ops.GetDeadLetters("erp", 100, includeData: false);
        var letter = Assert.Single(letters!.Value, d => d.Subject == subject);
        Assert.Equal((refused, "00000000000000000002", 422, 1), (letter.Id, letter.Sequence, letter.LastStatus, letter.Attempts));
        Assert.Contains("permanent", letter.Reason, StringComparison.Ordinal);
        Assert.Equal("""{"n":2}""", (await fixture.Ops.GetDeadLetter("erp", refused))!.Data);

        refuse = false;
        Assert.Equal(1, await fixture.Ops.ReplayDeadLetters("erp", [refused]));

        await Eventually.ThatAsync(() => fixture.SkippingBackoff(() => fixture.Receiver.AcceptedFor(subject).Any(r => r.Id == refused)), "the replayed event delivered");
        Assert.DoesNotContain((await fixture.Ops.GetDeadLetters("erp", 100, false))!.Value, d => d.Subject == subject);
    }

    [Fact]
    public async Task An_event_failing_every_attempt_is_dead_lettered_after_the_configured_attempts()
    {
        var subject = Subject("attempts");
        fixture.Receiver.Behaviour = r => r.Subject == subject ? new Reply(500) : Reply.Ok;

        await fixture.Publisher("erp", subject).Accept(OutboundFixture.Events(Order, subject, 1, fixture.Clock.GetUtcNow()));
        await Eventually.ThatAsync(() => fixture.SkippingBackoff(() => fixture.Receiver.All.Count(r => r.Subject == subject) >= 6), "six attempts");

        var letter = await Eventually.ValueAsync(
            () => fixture.Ops.GetDeadLetters("erp", 100, false).Result!.Value.Where(d => d.Subject == subject).Select(d => (int?)d.Attempts).FirstOrDefault(),
            "the dead letter");
        Assert.Equal(6, letter);
        Assert.Equal(6, fixture.Receiver.All.Count(r => r.Subject == subject));
    }

    [Fact]
    public async Task Every_request_is_a_signed_structured_CloudEvent_with_a_string_sequence_and_an_idempotency_key()
    {
        var subject = Subject("signed");
        fixture.Receiver.Behaviour = _ => Reply.Ok;
        await fixture.Publisher("erp", subject).Accept(OutboundFixture.Events(Order, subject, 2, fixture.Clock.GetUtcNow()));
        await fixture.Publisher("crm", subject).Accept(OutboundFixture.Events(Order, subject, 2, fixture.Clock.GetUtcNow()));

        await Eventually.ThatAsync(() => fixture.SkippingBackoff(() => fixture.Receiver.AcceptedFor(subject).Count == 4), "both targets served");
        foreach (var request in fixture.Receiver.AcceptedFor(subject))
        {
            Assert.True(request.SignatureValid, $"signature of {request.Id} to {request.Target}");
            Assert.Equal($"\"{request.Id}\"", request.IdempotencyKey);
            Assert.StartsWith("application/cloudevents+json", request.ContentType, StringComparison.Ordinal);
            Assert.InRange(request.Timestamp, fixture.Clock.GetUtcNow().ToUnixTimeSeconds() - 3600, fixture.Clock.GetUtcNow().ToUnixTimeSeconds() + 60);

            var cloudEvent = new JsonEventFormatter().DecodeStructuredModeMessage(System.Text.Encoding.UTF8.GetBytes(request.Body), null, null);
            Assert.Equal(CloudEventsSpecVersion.V1_0, cloudEvent.SpecVersion);
            Assert.Equal("/grid/tests", cloudEvent.Source!.ToString());
            Assert.Equal(subject, cloudEvent.Subject);
            Assert.Equal("application/json", cloudEvent.DataContentType);
            var raw = JsonDocument.Parse(request.Body).RootElement;
            Assert.Equal(JsonValueKind.String, raw.GetProperty("sequence").ValueKind);
            Assert.Equal(subject, raw.GetProperty("partitionkey").GetString());
        }

        // Each target numbers the subject itself, contiguously from 1.
        Assert.Equal(["00000000000000000001", "00000000000000000002"], fixture.Receiver.AcceptedFor(subject).Where(r => r.Target == "crm").Select(r => r.Sequence));
    }

    [Fact]
    public async Task A_paused_target_holds_its_events_and_coalesces_availability_changes_to_the_latest_per_SKU_location()
    {
        var subject = $"inventory/SKU-{_tag}@DC1";
        var order = Subject("paused");
        fixture.Receiver.Behaviour = _ => Reply.Ok;
        Assert.True(await fixture.Ops.SetPaused("erp", paused: true));
        try
        {
            var now = fixture.Clock.GetUtcNow();
            for (var i = 1; i <= 50; i++)
            {
                await fixture.Publisher("erp", subject).Accept(
                    [new OutboundEvent(TestIds.New("EV"), "grid.inventory.availability.changed.v1", subject, now, i, $$"""{"available":{{i}}}""")]);
            }

            await fixture.Publisher("erp", order).Accept(OutboundFixture.Events(Order, order, 3, now));
            var paused = (await fixture.Ops.GetTargets()).Single(t => t.Target == "erp");
            Assert.True(paused.Paused);
            Assert.True(paused.Depth >= 4);
            Assert.True(paused.Coalesced >= 49);
            Assert.DoesNotContain(fixture.Receiver.All, r => r.Subject == subject || r.Subject == order);
        }
        finally
        {
            await fixture.Ops.SetPaused("erp", paused: false);
        }

        await Eventually.ThatAsync(() => fixture.SkippingBackoff(() => fixture.Receiver.AcceptedFor(order).Count == 3 && fixture.Receiver.AcceptedFor(subject).Count == 1), "delivery after resume");
        var latest = Assert.Single(fixture.Receiver.AcceptedFor(subject));
        Assert.Equal((50, "00000000000000000001"), (latest.Data.GetProperty("available").GetInt32(), latest.Sequence));
    }

    [Fact]
    public async Task A_receiver_that_spots_a_gap_gets_the_subject_again_from_the_sequence_it_asks_for()
    {
        var subject = Subject("gap");
        fixture.Receiver.Behaviour = _ => Reply.Ok;
        await fixture.Publisher("erp", subject).Accept(OutboundFixture.Events(Order, subject, 4, fixture.Clock.GetUtcNow()));
        await Eventually.ThatAsync(() => fixture.SkippingBackoff(() => fixture.Receiver.AcceptedFor(subject).Count == 4), "first delivery");

        var redelivery = await fixture.Ops.Redeliver("erp", subject, 3);

        Assert.Equal((RedeliveryCode.Queued, 2), (redelivery!.Code, redelivery.Queued));
        await Eventually.ThatAsync(() => fixture.SkippingBackoff(() => fixture.Receiver.All.Count(r => r.Subject == subject) == 6), "the redelivery");
        Assert.Equal(
            ["00000000000000000003", "00000000000000000004"],
            fixture.Receiver.All.Where(r => r.Subject == subject).Skip(4).Select(r => r.Sequence));
        Assert.Equal(RedeliveryCode.NothingSent, (await fixture.Ops.Redeliver("erp", subject, 9))!.Code);
        Assert.Null(await fixture.Ops.Redeliver("nowhere", subject, 1));
    }

    [Fact]
    public async Task A_target_configured_for_batches_gets_arrays_of_signed_events_one_per_subject_each_in_sequence_order()
    {
        var subjects = Enumerable.Range(0, 8).Select(i => Subject($"batch{i}")).ToList();
        fixture.Receiver.Behaviour = _ => Reply.Ok;
        foreach (var subject in subjects)
        {
            await fixture.Publisher("wms", subject).Accept(OutboundFixture.Events("grid.order.released.v1", subject, 3, fixture.Clock.GetUtcNow()));
        }

        await Eventually.ThatAsync(() => fixture.SkippingBackoff(() => subjects.All(s => fixture.Receiver.AcceptedFor(s).Count == 3)), "every event delivered");

        var received = fixture.Receiver.All.Where(r => subjects.Contains(r.Subject)).ToList();
        Assert.All(received, r => Assert.True(r.SignatureValid));
        Assert.All(received, r => Assert.StartsWith("application/cloudevents-batch+json", r.ContentType, StringComparison.Ordinal));
        Assert.True(received.Select(r => r.Timestamp + r.IdempotencyKey).Distinct().Count() < received.Count, "some requests carried several events");
        foreach (var subject in subjects)
        {
            Assert.Equal(
                ["00000000000000000001", "00000000000000000002", "00000000000000000003"],
                fixture.Receiver.AcceptedFor(subject).Select(r => r.Sequence));
        }
    }
}
