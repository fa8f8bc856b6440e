using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using Grid.Domain.Outbound;
using Grid.Outbound;

namespace Grid.Tests.Outbound;

/// <summary>
/// An outbound event remembers the trace of the change that caused it, and its delivery continues that trace: the
/// delivery span is a child of the recorded cause, and the receiver gets the trace in <c>traceparent</c>.
/// </summary>
[Trait("Category", "Grains")]
[Collection(OutboundCollection.Name)]
public sealed class DeliveryTracingTests : IDisposable
{
    private const string Order = "grid.order.accepted.v1";
    private static readonly ActivitySource Test = new("Grid.Tests.Outbound");

    private readonly OutboundFixture _fixture;
    private readonly string _tag = TestIds.Tag();
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ActivityListener _listener;

    public DeliveryTracingTests(OutboundFixture fixture)
    {
        _fixture = fixture;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Grid" or "System.Net.Http" or "Grid.Tests.Outbound",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public void An_event_recorded_in_a_recorded_trace_names_it_and_one_recorded_outside_any_names_none()
    {
        var outbox = new Outbox();
        outbox.Host(_ => true);
        OutgoingEvent? traced;
        string causeId;
        using (var cause = Test.StartActivity("cause")!)
        {
            causeId = cause.Id!;
            traced = outbox.Add(OutboundEventTypes.ShipmentMilestone, "shipment/S1", DateTimeOffset.UnixEpoch, new { n = 1 });
        }

        var untraced = outbox.Add(OutboundEventTypes.ShipmentMilestone, "shipment/S1", DateTimeOffset.UnixEpoch, new { n = 2 });

        Assert.Equal(causeId, traced!.TraceParent);
        Assert.Null(untraced!.TraceParent);
    }

    [Fact]
    public async Task A_delivery_continues_the_trace_of_the_change_that_caused_its_event()
    {
        var subject = $"order/traced-{_tag}";
        var cause = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        var traceParent = $"00-{cause.TraceId}-{cause.SpanId}-01";
        var events = OutboundFixture.Events(Order, subject, 1, _fixture.Clock.GetUtcNow()).Select(e => e with { TraceParent = traceParent }).ToImmutableArray();

        await _fixture.Publisher("erp", subject).Accept(events);

        await Eventually.ThatAsync(() => _fixture.SkippingBackoff(() => _fixture.Receiver.AcceptedFor(subject).Any(r => r.Target == "erp")), "the event delivered");
        var received = _fixture.Receiver.AcceptedFor(subject).First(r => r.Target == "erp");
        Assert.NotNull(received.TraceParent);
        Assert.Equal(cause.TraceId, ActivityContext.Parse(received.TraceParent, null).TraceId);

        await Eventually.ThatAsync(() => Task.FromResult(Delivery(subject) is not null), "the delivery span ended");
        var delivery = Delivery(subject)!;
        Assert.Equal(cause.TraceId, delivery.TraceId);
        Assert.Equal(cause.SpanId, delivery.ParentSpanId);
        Assert.Equal(ActivityKind.Producer, delivery.Kind);
        Assert.Equal("erp", delivery.GetTagItem("messaging.destination.name"));
        Assert.Equal(200, delivery.GetTagItem("http.response.status_code"));
    }

    [Fact]
    public async Task An_event_recorded_outside_any_trace_is_delivered_in_a_trace_of_its_own()
    {
        var subject = $"order/untraced-{_tag}";

        await _fixture.Publisher("erp", subject).Accept(OutboundFixture.Events(Order, subject, 1, _fixture.Clock.GetUtcNow()));

        await Eventually.ThatAsync(() => _fixture.SkippingBackoff(() => _fixture.Receiver.AcceptedFor(subject).Any(r => r.Target == "erp")), "the event delivered");
        await Eventually.ThatAsync(() => Task.FromResult(Delivery(subject) is not null), "the delivery span ended");
        var delivery = Delivery(subject)!;
        Assert.Equal(default, delivery.ParentSpanId);
        var received = _fixture.Receiver.AcceptedFor(subject).First(r => r.Target == "erp");
        Assert.Equal(delivery.TraceId, ActivityContext.Parse(received.TraceParent!, null).TraceId);
    }

    private Activity? Delivery(string subject)
        => _spans.FirstOrDefault(s => s.DisplayName == "outbound deliver" && (string?)s.GetTagItem("grid.outbound.subject") == subject);
}
