using System.Text.Json.Serialization;

namespace Grid.Domain.Kpis;

/// <summary>
/// One hour of KPI history (UTC, numbered from the Unix epoch), in twelve five-minute <see cref="KpiSlot"/>s. Each hour
/// is kept on its own, so recording rewrites one hour's figures, never the whole history.
/// </summary>
public sealed class KpiHour
{
    public static readonly TimeSpan SlotLength = TimeSpan.FromMinutes(5);

    public const int SlotsPerHour = 12;

    /// <summary>How long the history is read back: the longest window asked of it.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    public KpiHour()
    {
    }

    public KpiHour(long hour)
    {
        Hour = hour;
    }

    [JsonInclude] public long Hour { get; private set; }

    /// <summary>The slots with anything in them, by their number in the hour (0 to 11).</summary>
    [JsonInclude] public Dictionary<int, KpiSlot> Slots { get; private set; } = [];

    [JsonIgnore] public DateTimeOffset Start => StartOf(Hour);

    public static long HourOf(DateTimeOffset at) => Math.DivRem(at.ToUnixTimeSeconds(), 3600, out var rest) - (rest < 0 ? 1 : 0);

    public static DateTimeOffset StartOf(long hour) => DateTimeOffset.FromUnixTimeSeconds(hour * 3600);

    /// <summary>The start of the five-minute slot <paramref name="at"/> falls in.</summary>
    public static DateTimeOffset SlotStart(DateTimeOffset at)
        => new(at.UtcTicks - (at.UtcTicks % SlotLength.Ticks), TimeSpan.Zero);

    /// <summary>Adds a fact to its slot; false (nothing changes) when it belongs to another hour.</summary>
    public bool Apply(KpiFact fact)
    {
        if (HourOf(fact.At) != Hour)
        {
            return false;
        }

        var slot = (int)((fact.At - Start).Ticks / SlotLength.Ticks);
        if (!Slots.TryGetValue(slot, out var figures))
        {
            figures = new KpiSlot();
            Slots[slot] = figures;
        }

        figures.Apply(fact);
        return true;
    }

    /// <summary>Each slot with its start time.</summary>
    public IEnumerable<(DateTimeOffset Start, KpiSlot Slot)> Timed()
        => Slots.Select(s => (Start + (SlotLength * s.Key), s.Value));
}
