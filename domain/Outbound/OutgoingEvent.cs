namespace Grid.Domain.Outbound;

/// <summary>
/// An outbound event as its source recorded it in its outbox, and as a publisher queues it: the CloudEvents attributes
/// fixed at the source and the data as JSON. The grains exchange it as the <c>OutboundEvent</c> contract.
/// </summary>
/// <param name="Id">Unique, the same across retries and targets (given by the host through <see cref="Outbox.NewEventId"/>).</param>
/// <param name="Type">The CloudEvents <c>type</c>, such as <c>grid.order.accepted.v1</c>.</param>
/// <param name="Subject">What the event is about (<c>order/4711</c>, <c>inventory/SKU-1@DC1</c>).</param>
/// <param name="Time">When the change happened.</param>
/// <param name="SourceSequence">Rises with every event the source records for the subject; a publisher drops a repeat.</param>
/// <param name="Data">The event data as JSON.</param>
/// <param name="TraceParent">The W3C <c>traceparent</c> of the trace whose work caused the event, if any.</param>
public sealed record OutgoingEvent(
    string Id,
    string Type,
    string Subject,
    DateTimeOffset Time,
    long SourceSequence,
    string Data,
    string? TraceParent = null);
