using Grid.Inventory;
using StableHash = Grid.Domain.StableHash;
using Orleans.Runtime.Placement;

namespace Grid.Silo.Placement;

/// <summary>
/// Picks the silo for a grain under <see cref="SkuAffinityPlacement"/>: the SKU its key names, hashed
/// (<see cref="StableHash"/>, the same on every silo and every run) over the compatible silos in address order. Every
/// silo with the same view of the membership picks the same one; while views differ during a change, the grain directory keeps
/// one activation and the other caller is sent to it.
/// </summary>
internal sealed class SkuAffinityPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target);
        if (silos.Length == 1)
        {
            return Task.FromResult(silos[0]);
        }

        var ordered = silos.Order().ToArray();
        var key = target.GrainIdentity.Key.ToString();
        var sku = Identifiers.SkuOfGrainKey(key) ?? key;
        return Task.FromResult(ordered[StableHash.Bucket(sku, ordered.Length)]);
    }
}
