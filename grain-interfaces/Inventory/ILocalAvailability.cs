using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Grid.Inventory;

/// <summary>
/// Network ATP answered inside this process, without a grain call, for a SKU whose grain is active in this process:
/// the grain keeps its figures where this reads them, so the answer is the one a call to it would give now. A process
/// that hosts no grains (a gateway on its own), or a SKU whose grain lives elsewhere, answers nothing: call the grain.
/// </summary>
public interface ILocalAvailability
{
    bool TryGetAvailability(string sku, AvailabilityQuery query, ImmutableArray<string> locations, [NotNullWhen(true)] out SkuAvailability? answer);
}

/// <summary>For a process without grains: every question goes to the SKU's grain.</summary>
public sealed class NoLocalAvailability : ILocalAvailability
{
    public bool TryGetAvailability(string sku, AvailabilityQuery query, ImmutableArray<string> locations, [NotNullWhen(true)] out SkuAvailability? answer)
    {
        answer = null;
        return false;
    }
}
