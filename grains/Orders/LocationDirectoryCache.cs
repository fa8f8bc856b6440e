using Grid.Domain.Orders;

namespace Grid.Orders;

/// <summary>
/// This silo's copy of the location directory. An order's sourcing reads its candidate locations here instead of
/// calling the one <see cref="LocationDirectoryGrain"/>, which every order of the cluster would otherwise call.
/// </summary>
/// <remarks>
/// The copy is kept current two ways. The directory grain tells every copy of a change before it answers the change
/// (the copy subscribes with each question it asks), so an order placed after a location was added or changed sources
/// from the new directory on every silo. And the copy asks the grain again at most every <see cref="Revalidate"/>
/// while orders read it (renewing its subscription: one small call per silo, however many orders; concurrent readers
/// share it), which also covers a directory grain that moved and lost its subscribers.
/// </remarks>
public sealed class LocationDirectoryCache(IGrainFactory grains, TimeProvider clock) : ILocationDirectoryObserver
{
    public static readonly TimeSpan Revalidate = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private ILocationDirectoryObserver? _self;
    private Copy? _copy;
    private (Task<Copy> Task, long Changes)? _asking;
    private long _changes;

    /// <summary>The locations serving <paramref name="region"/>, by priority (then by id), from this silo's copy.</summary>
    public async ValueTask<IReadOnlyList<LocationRecord>> CandidatesAsync(string region)
    {
        var copy = Volatile.Read(ref _copy);
        if (copy is null || copy.Stale || clock.GetElapsedTime(copy.CheckedAt) >= Revalidate)
        {
            copy = await AskAsync(copy);
        }

        return copy.Directory.Candidates(region);
    }

    /// <summary>The directory grain's word that it changed: the next reader asks it before answering.</summary>
    public Task Changed(long version)
    {
        lock (_gate)
        {
            if (_copy is null || _copy.Directory.Version < version)
            {
                _changes++;
                _copy = _copy is null ? null : _copy with { Stale = true };
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>The question out, shared, unless a change was told since it was asked: then a new one.</summary>
    private Task<Copy> AskAsync(Copy? held)
    {
        lock (_gate)
        {
            if (_asking is { } asking && asking.Changes == _changes)
            {
                return asking.Task;
            }

            var task = FetchAsync(held, _changes);
            _asking = (task, _changes);
            return task;
        }
    }

    private async Task<Copy> FetchAsync(Copy? held, long changes)
    {
        try
        {
            // Whatever follows runs after the asker left the lock, so the finally below never runs inside it.
            await Task.Yield();
            // A reference to a local object cannot be made from a grain's turn: made once, off it.
            _self ??= await Task.Run(() => grains.CreateObjectReference<ILocationDirectoryObserver>(this));
            var asked = clock.GetTimestamp();
            var snapshot = await grains.GetGrain<ILocationDirectoryGrain>(OrderKeys.Singleton).Since(held?.Directory.Version ?? -1, _self);
            var directory = snapshot.Unchanged && held is not null
                ? held.Directory
                : LocationDirectory.Of(snapshot.Version, snapshot.Locations.Select(l => l.ToDomain()));
            lock (_gate)
            {
                // A change told while the question was out may postdate the answer: the next reader asks again.
                _copy = new Copy(directory, asked, Stale: changes != _changes);
                return _copy;
            }
        }
        finally
        {
            lock (_gate)
            {
                if (_asking?.Changes == changes)
                {
                    _asking = null;
                }
            }
        }
    }

    private sealed record Copy(LocationDirectory Directory, long CheckedAt, bool Stale);
}
