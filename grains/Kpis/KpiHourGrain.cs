using System.Collections.Immutable;
using System.Text.Json;
using Grid.Domain.Kpis;
using Grid.Infrastructure;
using Orleans.Concurrency;

namespace Grid.Kpis;

/// <summary>
/// One hour of KPI history. Facts decide in memory one call at a time and are stored by group commit, so a busy hour
/// writes once per batch of callers; each hour is its own grain and row, so no write touches more than an hour.
/// </summary>
[Reentrant]
public sealed class KpiHourGrain(
    [PersistentState("kpis", StorageNames.Grid)] IPersistentState<KpiHour> store) : Grain, IKpiHourGrain
{
    private GroupCommit? _commits;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!store.RecordExists)
        {
            store.State = new KpiHour(this.GetPrimaryKeyLong());
        }

        _commits = new GroupCommit(WriteAsync);
        return Task.CompletedTask;
    }

    public async Task Record(ImmutableArray<KpiSample> samples)
    {
        var changed = false;
        foreach (var fact in samples.Select(s => s.ToDomain()))
        {
            if (store.State.Apply(fact))
            {
                KpiInstruments.Record(fact);
                changed = true;
            }
        }

        if (changed)
        {
            _commits!.MarkChanged();
            await _commits.WhenDurable();
        }
    }

    public Task Tell(ImmutableArray<KpiSample> samples) => Record(samples);

    public Task<string> Get() => Task.FromResult(JsonSerializer.Serialize(store.State));

    private async Task WriteAsync()
    {
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            // What is in memory is not what is stored: start again from storage.
            DeactivateOnIdle();
            throw;
        }
    }
}
