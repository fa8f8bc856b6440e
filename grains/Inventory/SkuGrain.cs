using System.Collections.Immutable;
using Grid.Infrastructure;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Grid.Inventory;

/// <summary>The locations a SKU is held at; the figures themselves are pushed (or pulled on activation) from them.</summary>
public sealed class SkuLocations
{
    /// <summary>In ordinal order. Never changed once stored: a new location makes a new array.</summary>
    public string[] Locations { get; set; } = [];

    /// <summary>Whether the SKU has a product allocation: its locations' reservations ask for quota, and ATP shows the quota left.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool Allocated { get; set; }
}

/// <summary>
/// Network ATP of one SKU from memory. Its SKU-location grains push a snapshot after every durable change; the set
/// of locations is persisted so that a restarted SKU grain pulls their current snapshots once on activation.
/// </summary>
/// <remarks>
/// Reentrant: every method changes memory synchronously, and the one persisted change goes through group commit.
/// Compact, since one is active per SKU: the snapshots sit in one array in location order (the snapshots themselves
/// are the SKU-location grains' own, immutable and passed by reference inside a silo), and the persisted set of
/// locations is the stored array itself.
/// </remarks>
[SkuAffinityPlacement]
[Reentrant]
public sealed class SkuGrain : Grain, ISkuGrain
{
    private readonly IPersistentState<SkuLocations> _store;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _staleAfter;
    private readonly LocalSkuViews _local;
    private GroupCommit? _commits;
    private SkuView? _view;

    public SkuGrain(
        [PersistentState("sku", StorageNames.Grid)] IPersistentState<SkuLocations> store,
        TimeProvider clock,
        IOptions<InventoryOptions> options,
        LocalSkuViews local)
    {
        _store = store;
        _clock = clock;
        _staleAfter = options.Value.StaleAfter;
        _local = local;
    }

    /// <summary>The latest snapshot of each location heard from; the API of this silo reads it too.</summary>
    private SkuView View => _view ??= new SkuView(this.GetPrimaryKeyString()["sku:".Length..]);

    private string Sku => View.Sku;

    /// <summary>The locations stored (or being stored), in ordinal order.</summary>
    private string[] Known => _store.State.Locations;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var sku = Sku;
        var known = Known;
        if (!IsOrdered(known))
        {
            // Written by an older build (or by hand): put it in the order the lookups below rely on.
            _store.State.Locations = [.. known.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        }

        var snapshots = await Task.WhenAll(Known.Select(location =>
            GrainFactory.Ref<IInventoryGrain>(Identifiers.SkuLocationKey(sku, location)).GetSnapshot()));
        foreach (var snapshot in snapshots)
        {
            View.Keep(snapshot);
        }

        View.Allocated = _store.State.Allocated;
        _local.Add(View);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _local.Remove(View);
        return Task.CompletedTask;
    }

    public Task<SkuAvailability> GetAvailability(AvailabilityQuery query, ImmutableArray<string> locations)
    {
        var answer = View.Answer(query, locations, _clock.GetUtcNow(), _staleAfter);
        return _store.State.Allocated && (query.Channel is not null || query.CustomerId is not null)
            ? WithinQuotaAsync(answer, query, locations)
            : Task.FromResult(answer);
    }

    /// <summary>Network ATP no more than the quota the channel or customer has left (the location's policy when one location is asked).</summary>
    private async Task<SkuAvailability> WithinQuotaAsync(SkuAvailability answer, AvailabilityQuery query, ImmutableArray<string> locations)
    {
        var standing = await GrainFactory.Ref<IProductAllocationGrain>(Identifiers.SkuGrainKey(Sku))
            .Standing(locations.Length == 1 ? locations[0] : null, query.Channel, query.CustomerId);
        return standing.Left is { } left
            ? answer with { Available = Math.Min(answer.Available, left.Remaining), Quota = left }
            : answer;
    }

    public Task OnLocationChanged(AvailabilitySnapshot snapshot)
    {
        View.Keep(snapshot);
        return Task.CompletedTask;
    }

    public async Task<bool> RegisterLocation(AvailabilitySnapshot snapshot)
    {
        View.Keep(snapshot);
        _commits ??= new GroupCommit(WriteAsync);
        var known = Known;
        var at = Array.BinarySearch(known, snapshot.Location, StringComparer.Ordinal);
        if (at < 0)
        {
            // A new array, so that a write in flight keeps serializing the one it was given.
            _store.State = new SkuLocations { Locations = SkuView.Insert(known, ~at, snapshot.Location), Allocated = _store.State.Allocated };
            _commits.MarkChanged();
        }

        await _commits.WhenDurable();
        return _store.State.Allocated;
    }

    public async Task<ImmutableArray<string>> SetAllocationControlled(bool controlled)
    {
        _commits ??= new GroupCommit(WriteAsync);
        if (_store.State.Allocated != controlled)
        {
            _store.State = new SkuLocations { Locations = Known, Allocated = controlled };
            _commits.MarkChanged();
        }

        // Before it is durable: a channel's answer asks the allocation from now on, as the grain's own answers do.
        View.Allocated = controlled;
        var known = Known;
        await _commits.WhenDurable();
        return [.. known];
    }

    private async Task WriteAsync()
    {
        try
        {
            await _store.WriteStateAsync();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }

    private static bool IsOrdered(string[] locations)
    {
        for (var i = 1; i < locations.Length; i++)
        {
            if (string.CompareOrdinal(locations[i - 1], locations[i]) >= 0)
            {
                return false;
            }
        }

        return true;
    }
}
