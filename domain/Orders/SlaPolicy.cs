using System.Globalization;

namespace Grid.Domain.Orders;

/// <summary>How long an order may stay in each status before its stay is raised as an SLA breach.</summary>
public sealed record SlaPolicy(IReadOnlyDictionary<OrderStatus, TimeSpan> Thresholds)
{
    public TimeSpan? ThresholdFor(OrderStatus status) => Thresholds.TryGetValue(status, out var threshold) ? threshold : null;

    /// <summary>A duration as people read it: 4h, 2d 3h, 45m, 30s.</summary>
    public static string Describe(TimeSpan span)
    {
        if (span < TimeSpan.FromMinutes(1))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalSeconds}s");
        }

        var parts = new List<string>(3);
        if (span.Days > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{span.Days}d"));
        }

        if (span.Hours > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{span.Hours}h"));
        }

        if (span.Minutes > 0 && span.Days == 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{span.Minutes}m"));
        }

        return string.Join(' ', parts);
    }
}
