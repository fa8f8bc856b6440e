using System.Collections.Immutable;
using Grid.Infrastructure;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Grid.Inventory;

/// <summary>The locations a SKU is held at; the figures themselves are pushed (or pulled on activation) from them.</summary>
public sealed class SkuLocations
{
    public List<string> Locations { get; set; } = [];
}

/// <summary>
/// Network ATP of one SKU from memory. Its SKU-location grains push a snapshot after every durable change; the set
/// of locations is persisted so that a restarted SKU grain pulls their current snapshots once on activation.
/// </summary>
/// <remarks>Reentrant: every method changes memory synchronously, and the one persisted change goes through group commit.</remarks>
[Reentrant]
public sealed class SkuGrain : Grain, ISkuGrain
{
    private readonly IPersistentState<SkuLocations> _store;
    private readonly TimeProvider _clock;
    private readonly InventoryOptions _options;
    private readonly GroupCommit _commits;
    private readonly SortedDictionary<string, AvailabilitySnapshot> _locations = new(StringComparer.Ordinal);
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    public SkuGrain(
        [PersistentState("sku", StorageNames.Grid)] IPersistentState<SkuLocations> store,
        TimeProvider clock,
        IOptions<InventoryOptions> options)
    {
        _store = store;
        _clock = clock;
        _options = options.Value;
        _commits = new GroupCommit(WriteAsync);
    }

    private string Sku => this.GetPrimaryKeyString()["sku:".Length..];

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _known.UnionWith(_store.State.Locations);
        var snapshots = await Task.WhenAll(_known.Select(location =>
            GrainFactory.GetGrain<IInventoryGrain>(Identifiers.SkuLocationKey(Sku, location)).GetSnapshot()));
        foreach (var snapshot in snapshots)
        {
            Keep(snapshot);
        }
    }

    public Task<SkuAvailability> GetAvailability(AvailabilityQuery query, ImmutableArray<string> locations)
    {
        var now = _clock.GetUtcNow();
        var selected = locations.IsDefaultOrEmpty
            ? _locations.Values
            : locations.Distinct(StringComparer.Ordinal).Where(_locations.ContainsKey).Select(l => _locations[l]);

        var answers = selected.Select(s => s.ToAvailability(query, now, _options.StaleAfter)).ToImmutableArray();
        GridInstruments.AtpQueries.Add(1);
        return Task.FromResult(new SkuAvailability(
            Sku,
            answers.Sum(a => a.Available),
            answers,
            answers.Length == 0 ? null : answers.Max(a => a.AsOf)));
    }

    public Task OnLocationChanged(AvailabilitySnapshot snapshot)
    {
        Keep(snapshot);
        return Task.CompletedTask;
    }

    public Task RegisterLocation(AvailabilitySnapshot snapshot)
    {
        Keep(snapshot);
        if (_known.Add(snapshot.Location))
        {
            _commits.MarkChanged();
        }

        return _commits.WhenDurable();
    }

    private void Keep(AvailabilitySnapshot snapshot)
    {
        if (!_locations.TryGetValue(snapshot.Location, out var held) || held.Version < snapshot.Version)
        {
            _locations[snapshot.Location] = snapshot;
        }
    }

    private async Task WriteAsync()
    {
        try
        {
            _store.State = new SkuLocations { Locations = [.. _known.Order(StringComparer.Ordinal)] };
            await _store.WriteStateAsync();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }
}
