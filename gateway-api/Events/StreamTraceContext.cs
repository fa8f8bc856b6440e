using System.Diagnostics;

namespace Grid.Gateway.Events;

/// <summary>
/// Carries a trace across a stream hop. Stream events keep the Orleans request context of the call that queued them,
/// but Orleans' own <c>traceparent</c> there is replaced by the pulling agent's when it delivers; so the producer also
/// writes its trace under <see cref="Key"/>, and the silo's delivery filter continues that trace.
/// </summary>
public static class StreamTraceContext
{
    /// <summary>The request-context key holding the W3C <c>traceparent</c> of whoever queued the event.</summary>
    public const string Key = "grid.traceparent";

    /// <summary>Grid's own spans (stream deliveries).</summary>
    public static readonly ActivitySource Source = new("Grid");

    /// <summary>Names the current trace as the producer of what is queued next in this request context.</summary>
    public static void Capture()
    {
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } id })
        {
            RequestContext.Set(Key, id);
        }
    }
}
