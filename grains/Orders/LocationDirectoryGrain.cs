using System.Collections.Immutable;
using Grid.Domain.Orders;
using Grid.Infrastructure;

namespace Grid.Orders;

/// <summary>The stocking locations; every order submission reads its candidates from here, from memory.</summary>
public sealed class LocationDirectoryGrain(
    [PersistentState("locations", StorageNames.Grid)] IPersistentState<LocationDirectory> store,
    TimeProvider clock) : Grain, ILocationDirectoryGrain
{
    public async Task<LocationView> Upsert(LocationInput location)
    {
        var record = new LocationRecord(location.Location, location.Name, location.Type.ToDomain(), [.. location.Regions], location.Priority, clock.GetUtcNow());
        if (store.State.Upsert(record))
        {
            try
            {
                await store.WriteStateAsync();
            }
            catch
            {
                DeactivateOnIdle();
                throw;
            }
        }

        return store.State.Find(location.Location)!.ToView();
    }

    public Task<ImmutableArray<LocationView>> List() => Task.FromResult<ImmutableArray<LocationView>>([.. store.State.Locations.Select(l => l.ToView())]);

    public Task<ImmutableArray<LocationView>> Candidates(string region)
        => Task.FromResult<ImmutableArray<LocationView>>([.. store.State.Candidates(region).Select(l => l.ToView())]);
}
