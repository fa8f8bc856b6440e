using System.Text.Json.Serialization;
using Grid.Domain.Kpis;

namespace Grid.Domain.Orders;

// What the order tells the KPI history: written with the order as pending work, reported after, like its exceptions.
public sealed partial class Order
{
    /// <summary>KPI facts decided and not yet recorded in the KPI history.</summary>
    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public List<KpiFact>? PendingKpis { get; private set; }

    public void MarkKpisRecorded(int count, DateTimeOffset now)
    {
        if (PendingKpis is { } pending)
        {
            pending.RemoveRange(0, Math.Min(count, pending.Count));
            PendingKpis = pending.Count == 0 ? null : pending;
            Touch(now);
        }
    }

    private void RecordKpi(KpiFact fact) => (PendingKpis ??= []).Add(fact);

    /// <summary>
    /// On each transition: leaving <c>submitted</c> for anything but a refusal accepts the order (its lines filled
    /// complete by that first allocation count for the fill rate); entering <c>shipped</c> ends its cycle.
    /// </summary>
    private void RecordTransitionKpis(OrderStatus? from, OrderStatus to, DateTimeOffset now)
    {
        if (from == OrderStatus.Submitted && to is not (OrderStatus.Rejected or OrderStatus.Cancelled))
        {
            RecordKpi(KpiFact.OrderAccepted(now, Lines.Count, Lines.Count(l => l.Unsourced == 0 && l.Backordered == 0 && l.Cancelled == 0)));
        }

        if (to == OrderStatus.Shipped && from != OrderStatus.Shipped && !Timeline.Any(t => t.To == OrderStatus.Shipped))
        {
            RecordKpi(KpiFact.OrderShipped(now, now - AcceptedAt));
        }
    }

    /// <summary>The first exception of an order makes it one that needed a person (order fallout).</summary>
    private void RecordExceptionKpis(DateTimeOffset now)
    {
        if (ExceptionCount == 1)
        {
            RecordKpi(KpiFact.OrderNeedsAttention(now));
        }
    }

    /// <summary>Lines a shipment completed: shipped by their promise when it came no later than the promised date (or there was none).</summary>
    private void RecordShippedLines(List<OrderLine> completed, DateTimeOffset now)
    {
        if (completed.Count > 0)
        {
            RecordKpi(KpiFact.LinesShipped(now, completed.Count, completed.Count(l => (l.FirstPromisedDate ?? RequestedDeliveryDate) is not { } promise || now <= promise)));
        }
    }

    /// <summary>When the order left <c>submitted</c> (accepted, or on hold with its allocation); its submission while it has not.</summary>
    private DateTimeOffset AcceptedAt => Timeline.FirstOrDefault(t => t.From == OrderStatus.Submitted)?.At ?? SubmittedAt;
}
