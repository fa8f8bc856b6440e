using System.Diagnostics;
using Grid.Gateway.Events;

namespace Grid.Silo.Hosting;

/// <summary>
/// Continues the producer's trace when a stream delivers to a grain: the delivery runs in a consumer span whose parent
/// is the span that queued the events (<see cref="StreamTraceContext"/>), so one trace follows a request from the
/// gateway through the stream into the grain that applies it, and on to the calls and events that grain makes.
/// </summary>
internal sealed class StreamDeliveryTracing : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod?.DeclaringType?.Name != "IStreamConsumerExtension"
            || RequestContext.Get(StreamTraceContext.Key) is not string producer
            || !ActivityContext.TryParse(producer, null, out var parent))
        {
            await context.Invoke();
            return;
        }

        using var activity = StreamTraceContext.Source.StartActivity("stream deliver", ActivityKind.Consumer, parent);
        if (activity is not null)
        {
            activity.SetTag("messaging.system", "orleans");
            activity.SetTag("messaging.operation.name", context.InterfaceMethod.Name);
            activity.SetTag("grid.grain", context.TargetId.ToString());
            RequestContext.Set(StreamTraceContext.Key, activity.Id!);
        }

        await context.Invoke();
    }
}
