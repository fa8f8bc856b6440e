using System.Collections.Immutable;
using Grid.Infrastructure;

namespace Grid.Outbound;

/// <summary>
/// The locations that have reconciliation reports, for the unfiltered list. A location's grain adds itself once, with its
/// first snapshot, so this is written once per location, never per snapshot.
/// </summary>
public sealed class ReconciliationLocationsGrain(
    [PersistentState("reconciliation-locations", StorageNames.Grid)] IPersistentState<List<string>> store) : Grain, IReconciliationLocationsGrain
{
    public async Task Add(string location)
    {
        if (!store.State.Contains(location, StringComparer.Ordinal))
        {
            store.State.Add(location);
            await store.WriteStateAsync();
        }
    }

    public Task<ImmutableArray<string>> List() => Task.FromResult(store.State.ToImmutableArray());
}
