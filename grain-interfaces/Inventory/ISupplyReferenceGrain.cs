using System.Collections.Immutable;

namespace Grid.Inventory;

/// <summary>
/// Which SKU-locations a purchase order or ASN brings supply to, so that a supplier's delay naming only the PO or ASN
/// reaches every one of them. Key: <see cref="Identifiers.SupplyReferenceKey"/>.
/// </summary>
[Alias("grid.inventory.ISupplyReferenceGrain")]
public interface ISupplyReferenceGrain : IGrainWithStringKey
{
    [Alias("Remember")]
    Task Remember(ImmutableArray<string> skuLocations);

    [Alias("GetSkuLocations")]
    [Orleans.Concurrency.ReadOnly]
    Task<ImmutableArray<string>> GetSkuLocations();
}
