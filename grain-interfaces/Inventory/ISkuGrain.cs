using System.Collections.Immutable;
using Orleans.Concurrency;

namespace Grid.Inventory;

/// <summary>
/// Network view of one SKU across all its locations, keyed by <see cref="Identifiers.SkuGrainKey"/>. Its SKU-location
/// grains push a snapshot after every durable change, so network ATP is one call answered from memory.
/// </summary>
[Alias("grid.inventory.ISkuGrain")]
public interface ISkuGrain : IGrainWithStringKey
{
    /// <summary>Network ATP; <paramref name="locations"/> restricts it to those locations when not empty.</summary>
    [ReadOnly, Alias("GetAvailability")]
    Task<SkuAvailability> GetAvailability(AvailabilityQuery query, ImmutableArray<string> locations);

    /// <summary>
    /// Sent by a SKU-location grain after each durable change, without waiting for an answer; a snapshot older than
    /// the one held is ignored, so late or repeated ones change nothing.
    /// </summary>
    [OneWay, AlwaysInterleave, Alias("OnLocationChanged")]
    Task OnLocationChanged(AvailabilitySnapshot snapshot);

    /// <summary>
    /// Called by a SKU-location grain the first time it stores anything, so the SKU knows its locations after a restart;
    /// answers whether the SKU has a product allocation (its reservations then ask for quota).
    /// </summary>
    [Alias("RegisterLocation")]
    Task<bool> RegisterLocation(AvailabilitySnapshot snapshot);

    /// <summary>Records whether the SKU has a product allocation (ATP then shows the quota left); answers the locations known.</summary>
    [Alias("SetAllocationControlled")]
    Task<ImmutableArray<string>> SetAllocationControlled(bool controlled);
}
