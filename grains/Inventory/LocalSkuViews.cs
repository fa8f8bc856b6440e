using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace Grid.Inventory;

/// <summary>
/// The <see cref="SkuView"/> of every SKU grain active in this silo, for the API hosted in the same process: the
/// common ATP read is answered from it without a grain call (no message, no scheduling, no serialization). A SKU
/// grain adds its view once its locations' snapshots are in, and takes it away when it deactivates.
/// </summary>
public sealed class LocalSkuViews(TimeProvider clock, IOptions<InventoryOptions> options) : ILocalAvailability
{
    private readonly ConcurrentDictionary<string, SkuView> _views = new(StringComparer.Ordinal);
    private readonly TimeSpan _staleAfter = options.Value.StaleAfter;

    public int Count => _views.Count;

    public void Add(SkuView view) => _views[view.Sku] = view;

    /// <summary>Takes <paramref name="view"/> away, unless another activation has put its own in its place.</summary>
    public void Remove(SkuView view) => _views.TryRemove(new KeyValuePair<string, SkuView>(view.Sku, view));

    /// <summary>
    /// Hands a SKU-location's change to its SKU's view, when that SKU's grain is active in this silo: a read its caller
    /// sends after the answer sees it even though the SKU grain's own notification may still be on its way.
    /// </summary>
    public void Keep(string sku, AvailabilitySnapshot snapshot)
    {
        if (_views.TryGetValue(sku, out var view))
        {
            view.Keep(snapshot);
        }
    }

    public bool TryGetAvailability(string sku, AvailabilityQuery query, ImmutableArray<string> locations, [NotNullWhen(true)] out SkuAvailability? answer)
    {
        // A product allocation's quota lives in its own grain: a channel's or a customer's answer asks it.
        if (!_views.TryGetValue(sku, out var view) || (view.Allocated && (query.Channel is not null || query.CustomerId is not null)))
        {
            answer = null;
            return false;
        }

        answer = view.Answer(query, locations, clock.GetUtcNow(), _staleAfter);
        return true;
    }
}
