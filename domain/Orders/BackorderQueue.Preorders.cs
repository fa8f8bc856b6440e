using System.Text.Json.Serialization;

namespace Grid.Domain.Orders;

/// <summary>A SKU-location's pre-order terms: at most <see cref="Cap"/> units sold ahead of dated inbound supply, until <see cref="EndsAt"/> (if set).</summary>
public sealed record PreorderTerms(long Cap, DateTimeOffset? EndsAt = null)
{
    public bool IsOpenAt(DateTimeOffset at) => EndsAt is null || at < EndsAt;
}

public enum PreorderRefusal
{
    None = 0,

    /// <summary>The SKU-location takes no pre-orders (none set, or their end has passed).</summary>
    NotOpen = 1,

    /// <summary>The pre-order would take more units than the cap leaves.</summary>
    CapExceeded = 2,

    /// <summary>The inbound supply due (and stock on hand), less the demand queued ahead, does not cover it: no date to promise.</summary>
    NoSupply = 3,
}

/// <summary>The answer to a pre-order: its entry (with the promised date), or why not; the cap and what it leaves either way.</summary>
public sealed record PreorderDecision(PreorderRefusal Refusal, BackorderEntry? Entry, long Cap, long Remaining, string? Detail = null)
{
    public bool Accepted => Refusal == PreorderRefusal.None;
}

// Pre-orders: lines sold against the SKU-location's dated inbound supply, up to a cap, queued with the backorders.
public sealed partial class BackorderQueue
{
    /// <summary>The pre-order terms; null while the SKU-location takes no pre-orders.</summary>
    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public PreorderTerms? Preorders { get; private set; }

    /// <summary>Units pre-ordered and not withdrawn (filled ones included): what counts against the cap.</summary>
    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public long Preordered { get; private set; }

    [JsonIgnore] public long PreorderRemaining => Preorders is { } terms ? Math.Max(0, terms.Cap - Preordered) : 0;

    /// <summary>Sets (or with null, ends) the pre-order terms. A cap below what is pre-ordered already takes no more.</summary>
    public void SetPreorders(PreorderTerms? terms) => Preorders = terms;

    /// <summary>
    /// Takes a pre-order for a line: refused when pre-orders are not open, when it would exceed the cap, or when the
    /// supply due (with the stock on hand, after every entry ahead) does not cover it. Accepted, it joins the queue
    /// like a backorder and is promised the ETA of the supply that covers it. The same pre-order again answers the same.
    /// </summary>
    public PreorderDecision Preorder(
        string orderId, string lineId, string channel, long quantity, DateTimeOffset now, long availableNow, IReadOnlyList<SupplyLine> supply, string? customerId = null)
    {
        var existing = Find(orderId, lineId);
        if (existing is { Preorder: true } && existing.Quantity == quantity)
        {
            return Decision(PreorderRefusal.None, existing, null);
        }

        if (Preorders is not { } terms || !terms.IsOpenAt(now))
        {
            return Decision(PreorderRefusal.NotOpen, null, "This SKU-location takes no pre-orders now.");
        }

        var added = quantity - (existing is { Preorder: true } ? existing.Quantity : 0);
        if (Preordered + added > terms.Cap)
        {
            return Decision(PreorderRefusal.CapExceeded, null,
                $"The pre-order cap of {terms.Cap} has {PreorderRemaining} unit(s) left; {quantity} requested.");
        }

        var ahead = Entries.Where(e => e != existing).Sum(e => e.Quantity);
        var coverable = Math.Max(0, availableNow) + supply.Where(s => s.Quantity > 0).Sum(s => s.Quantity);
        if (coverable < ahead + quantity)
        {
            return Decision(PreorderRefusal.NoSupply, null,
                $"The supply due covers {Math.Max(0, coverable - ahead)} more unit(s) after the {ahead} queued ahead; {quantity} requested.");
        }

        Preordered += added;
        var index = existing is null ? Entries.Count : Entries.IndexOf(existing);
        var entry = new BackorderEntry(orderId, lineId, channel, quantity, existing?.QueuedAt ?? now, existing?.PromisedDate, existing?.PromisedFrom, Preorder: true, CustomerId: customerId);
        if (existing is null)
        {
            Entries.Add(entry);
        }
        else
        {
            Entries[index] = entry;
        }

        Promise(availableNow, supply, now, (orderId, lineId));
        return Decision(PreorderRefusal.None, Entries[index], null);
    }

    private PreorderDecision Decision(PreorderRefusal refusal, BackorderEntry? entry, string? detail)
        => new(refusal, entry, Preorders?.Cap ?? 0, PreorderRemaining, detail);
}
