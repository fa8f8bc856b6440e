namespace Grid.Domain.Kpis;

/// <summary>
/// A period the KPIs are asked for: <c>1h</c>, <c>24h</c> or <c>7d</c>, ending with the current five-minute slot, and
/// split into <see cref="TrendBuckets"/> equal parts for the trend.
/// </summary>
public sealed record KpiWindow(string Name, DateTimeOffset From, DateTimeOffset To)
{
    public const int TrendBuckets = 12;

    public static readonly IReadOnlyDictionary<string, TimeSpan> Lengths = new Dictionary<string, TimeSpan>(StringComparer.Ordinal)
    {
        ["1h"] = TimeSpan.FromHours(1),
        ["24h"] = TimeSpan.FromHours(24),
        ["7d"] = TimeSpan.FromDays(7),
    };

    /// <summary>The window <paramref name="name"/> ending with the slot that holds <paramref name="now"/>; null for an unknown name.</summary>
    public static KpiWindow? Ending(string name, DateTimeOffset now)
    {
        if (!Lengths.TryGetValue(name, out var length))
        {
            return null;
        }

        var to = KpiHour.SlotStart(now) + KpiHour.SlotLength;
        return new KpiWindow(name, to - length, to);
    }

    /// <summary>The hours whose slots the window covers.</summary>
    public IEnumerable<long> Hours()
    {
        for (var hour = KpiHour.HourOf(From); hour <= KpiHour.HourOf(To - TimeSpan.FromTicks(1)); hour++)
        {
            yield return hour;
        }
    }

    public bool Contains(DateTimeOffset slotStart) => slotStart >= From && slotStart < To;

    /// <summary>The trend bucket a slot in the window falls in (0, oldest, to <see cref="TrendBuckets"/> − 1).</summary>
    public int BucketOf(DateTimeOffset slotStart) => (int)((slotStart - From).Ticks / BucketLength.Ticks);

    public TimeSpan BucketLength => (To - From) / TrendBuckets;
}
