using Orleans.Placement;

namespace Grid.Inventory;

/// <summary>
/// Places a SKU's grains, its SKU grain and its SKU-location grains, on one silo: the one a hash of the SKU picks among
/// the silos active when a grain is activated. A SKU-location tells its SKU grain of every change; together on one silo
/// that is a call inside the process (and the snapshot passes by reference) instead of a message to another silo.
/// Spread over many SKUs, the hash spreads grains as evenly as random placement. A grain stays where it was activated
/// when silos join or leave; the ones activated afterwards follow the new set of silos.
/// </summary>
[GenerateSerializer, Immutable, Alias("grid.inventory.SkuAffinityPlacement")]
public sealed class SkuAffinityPlacement : PlacementStrategy
{
    public static SkuAffinityPlacement Instance { get; } = new();
}

/// <summary>Marks a grain keyed by a SKU (<c>sku:SKU</c> or <c>SKU@LOCATION</c>) for <see cref="SkuAffinityPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SkuAffinityPlacementAttribute() : PlacementAttribute(SkuAffinityPlacement.Instance);
