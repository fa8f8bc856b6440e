using Grid.Domain.Outbound;

namespace Grid.Tests.Domain.Outbound;

/// <summary>A source's outbox takes ids and trace context from its host; the model itself invents neither.</summary>
[Trait("Category", "Domain")]
public sealed class OutboxTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Without_a_host_an_event_is_named_by_its_subject_and_sequence_and_carries_no_trace()
    {
        var outbox = new Outbox();

        var first = outbox.Add(OutboundEventTypes.ShipmentMilestone, "shipment/S1", T0, new { n = 1 })!;
        var second = outbox.Add(OutboundEventTypes.ShipmentMilestone, "shipment/S1", T0, new { n = 2 })!;

        Assert.Equal(("shipment/S1#1", "shipment/S1#2"), (first.Id, second.Id));
        Assert.Null(first.TraceParent);
    }

    [Fact]
    public void A_host_gives_each_event_its_id_and_trace()
    {
        var ids = new Queue<string>(["a", "b"]);
        var outbox = new Outbox { NewEventId = ids.Dequeue, TraceParent = () => "00-trace-span-01" };

        var first = outbox.Add(OutboundEventTypes.ShipmentMilestone, "shipment/S1", T0, new { n = 1 })!;
        var second = outbox.Add(OutboundEventTypes.ShipmentMilestone, "shipment/S1", T0, new { n = 2 })!;

        Assert.Equal(("a", "b"), (first.Id, second.Id));
        Assert.Equal("00-trace-span-01", second.TraceParent);
    }

    [Fact]
    public void An_event_type_no_target_wants_is_not_recorded()
    {
        var outbox = new Outbox { Wanted = type => type != OutboundEventTypes.ShipmentMilestone.Type };

        Assert.Null(outbox.Add(OutboundEventTypes.ShipmentMilestone, "shipment/S1", T0, new { n = 1 }));
        Assert.True(outbox.IsEmpty);
    }
}
