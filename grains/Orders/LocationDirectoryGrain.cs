using System.Collections.Immutable;
using Grid.Domain.Orders;
using Grid.Infrastructure;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace Grid.Orders;

/// <summary>
/// The stocking locations. Orders read their candidates from each silo's copy (<see cref="LocationDirectoryCache"/>):
/// a change is answered once every copy that asked in the last minute has been told, so an order placed after the
/// answer, on any silo, sources from the changed directory.
/// </summary>
public sealed class LocationDirectoryGrain(
    [PersistentState("locations", StorageNames.Grid)] IPersistentState<LocationDirectory> store,
    TimeProvider clock,
    ILogger<LocationDirectoryGrain> logger) : Grain, ILocationDirectoryGrain
{
    private readonly ObserverManager<ILocationDirectoryObserver> _copies = new(LocationDirectoryCache.Revalidate * 6, logger);

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

            await _copies.Notify(copy => copy.Changed(store.State.Version));
        }

        return store.State.Find(location.Location)!.ToView();
    }

    public Task<ImmutableArray<LocationView>> List() => Task.FromResult<ImmutableArray<LocationView>>([.. store.State.Locations.Select(l => l.ToView())]);

    public Task<ImmutableArray<LocationView>> Candidates(string region)
        => Task.FromResult<ImmutableArray<LocationView>>([.. store.State.Candidates(region).Select(l => l.ToView())]);

    public Task<LocationDirectorySnapshot> Since(long version, ILocationDirectoryObserver copy)
    {
        _copies.Subscribe(copy, copy);
        return Task.FromResult(store.State.Version == version
            ? new LocationDirectorySnapshot(version, Unchanged: true, [])
            : new LocationDirectorySnapshot(store.State.Version, Unchanged: false, [.. store.State.Locations.Select(l => l.ToView())]));
    }
}
