using System.Text.Json;
using Grid.Domain.Kpis;
using Orleans.Concurrency;

namespace Grid.Kpis;

/// <summary>
/// Answers the KPIs for a window: reads the hours it covers (at most 169 for seven days), adds up their five-minute
/// slots inside the window, and splits them into the twelve trend buckets. Holds nothing.
/// </summary>
[StatelessWorker]
public sealed class KpiGrain(TimeProvider clock) : Grain, IKpiGrain
{
    public async Task<KpiReport?> Report(string window)
    {
        if (KpiWindow.Ending(window, clock.GetUtcNow()) is not { } span)
        {
            return null;
        }

        var hours = (await Task.WhenAll(span.Hours().Select(h => GrainFactory.GetGrain<IKpiHourGrain>(h).Get())))
            .Select(json => JsonSerializer.Deserialize<KpiHour>(json)!);
        var total = new KpiSlot();
        var buckets = Enumerable.Range(0, KpiWindow.TrendBuckets).Select(_ => new KpiSlot()).ToArray();
        foreach (var (start, slot) in hours.SelectMany(h => h.Timed()).Where(s => span.Contains(s.Start)))
        {
            total.Merge(slot);
            buckets[span.BucketOf(start)].Merge(slot);
        }

        return total.ToReport(span, buckets);
    }
}
