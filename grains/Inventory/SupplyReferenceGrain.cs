using System.Collections.Immutable;
using Grid.Infrastructure;

namespace Grid.Inventory;

/// <summary>Remembers the SKU-locations a PO or ASN supplies; every acknowledgement or ASN adds to them.</summary>
public sealed class SupplyReferenceGrain(
    [PersistentState("supply-reference", StorageNames.Grid)] IPersistentState<SupplyReferenceState> state) : Grain, ISupplyReferenceGrain
{
    public async Task Remember(ImmutableArray<string> skuLocations)
    {
        var known = state.State.SkuLocations;
        var added = skuLocations.Where(k => !known.Contains(k, StringComparer.Ordinal)).Distinct(StringComparer.Ordinal).ToList();
        if (added.Count == 0)
        {
            return;
        }

        known.AddRange(added);
        await state.WriteStateAsync();
    }

    public Task<ImmutableArray<string>> GetSkuLocations() => Task.FromResult(state.State.SkuLocations.ToImmutableArray());
}

[GenerateSerializer, Alias("grid.inventory.SupplyReferenceState")]
public sealed class SupplyReferenceState
{
    [Id(0)] public List<string> SkuLocations { get; set; } = [];
}
