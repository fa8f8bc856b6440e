using System.Globalization;
using System.Text.Json.Serialization;

namespace Grid.Domain.Orders;

/// <summary>An order line waiting for stock at one SKU-location, in the order it arrived.</summary>
public sealed record BackorderEntry(
    string OrderId,
    string LineId,
    string Channel,
    long Quantity,
    DateTimeOffset QueuedAt,
    DateTimeOffset? PromisedDate = null,
    string? PromisedFrom = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Preorder = false,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CustomerId = null);

public enum BackorderNoticeKind
{
    /// <summary>Stock was allocated to the order for this line.</summary>
    Filled = 0,

    /// <summary>The date promised for this line's backorder moved.</summary>
    Repromised = 1,
}

/// <summary>Something the queue must tell an order; kept until the order says it has applied it.</summary>
public sealed record BackorderNotice(
    long Sequence,
    BackorderNoticeKind Kind,
    string OrderId,
    string LineId,
    long Quantity,
    DateTimeOffset? PromisedDate,
    DateTimeOffset? PreviousPromisedDate,
    string Cause);

/// <summary>Supply on its way to the SKU-location, as the queue promises from it.</summary>
public sealed record SupplyLine(string Reference, long Quantity, DateTimeOffset Eta);

/// <summary>
/// The backorders waiting at one SKU-location (DESIGN §4). First come, first served: stock that arrives goes to the
/// oldest entry first, and promises are made from the inbound supply in the same order, each entry counting the
/// demand of those ahead of it. The SKU-location is told the <see cref="Demand"/>: it holds arriving stock for the
/// entries until they take it, and nets them out of ATP for a date, so the supply promised here is not promised
/// again. Changes for orders are kept as numbered notices until each order acknowledges them.
/// </summary>
public sealed partial class BackorderQueue
{
    [JsonInclude] public List<BackorderEntry> Entries { get; private set; } = [];
    [JsonInclude] public List<BackorderNotice> Notices { get; private set; } = [];
    [JsonInclude] public long LastNotice { get; private set; }

    /// <summary>Numbers the reservations the queue makes for the orders it fills.</summary>
    [JsonInclude] public long FillCount { get; private set; }

    /// <summary>What the SKU-location was last told: whether backorders wait here (it then says when stock or supply grows).</summary>
    [JsonInclude] public bool Watched { get; private set; }

    /// <summary>
    /// What the SKU-location was last told the entries wait for: it holds that much of the stock that arrives for them,
    /// and nets it out of ATP for a date.
    /// </summary>
    [JsonInclude] public long WatchedDemand { get; private set; }

    [JsonIgnore] public bool IsWaiting => Entries.Count > 0;

    /// <summary>The units the entries wait for.</summary>
    [JsonIgnore] public long Demand => Entries.Sum(e => e.Quantity);

    /// <summary>Whether the SKU-location must be told that backorders now wait here (and for how many units), or no longer do.</summary>
    [JsonIgnore] public bool WatchOutOfStep => Watched != IsWaiting || WatchedDemand != Demand;

    /// <summary>
    /// The SKU-location's count may differ from the entries' (a fill it granted, which took that many units off its
    /// count, did not complete): the next <see cref="WatchOutOfStep"/> says to tell it again.
    /// </summary>
    public void MarkWatchStale() => WatchedDemand = -1;

    /// <summary>Records that the SKU-location was told the entries wait for <paramref name="demand"/> units.</summary>
    public void MarkWatched(long demand)
    {
        Watched = demand > 0;
        WatchedDemand = demand;
    }

    /// <summary>
    /// Puts a line in the queue with <paramref name="quantity"/> units, or sets the quantity of the entry it has
    /// (keeping its place). Returns the entry.
    /// </summary>
    public BackorderEntry Enqueue(string orderId, string lineId, string channel, long quantity, DateTimeOffset now, string? customerId = null)
    {
        var index = IndexOf(orderId, lineId);
        if (index < 0)
        {
            var entry = new BackorderEntry(orderId, lineId, channel, quantity, now, CustomerId: customerId);
            Entries.Add(entry);
            return entry;
        }

        if (Entries[index].Preorder)
        {
            // A pre-order's units count against the cap while they are wanted: fewer wanted, fewer counted.
            Preordered += quantity - Entries[index].Quantity;
        }

        Entries[index] = Entries[index] with { Quantity = quantity };
        return Entries[index];
    }

    /// <summary>Takes a line out of the queue; false when it was not there.</summary>
    public bool Withdraw(string orderId, string lineId)
    {
        var index = IndexOf(orderId, lineId);
        if (index < 0)
        {
            return false;
        }

        if (Entries[index].Preorder)
        {
            Preordered -= Entries[index].Quantity;
        }

        Entries.RemoveAt(index);
        return true;
    }

    public BackorderEntry? Find(string orderId, string lineId) => IndexOf(orderId, lineId) is var i and >= 0 ? Entries[i] : null;

    /// <summary>The id of the reservation the next fill makes: stable until <see cref="RecordFill"/> counts it.</summary>
    public string NextFillReservationId() => string.Create(CultureInfo.InvariantCulture, $"backorder:{FillCount + 1}");

    /// <summary>Moves past a reservation id that cannot be used for a fill (taken before a crash by what is now over).</summary>
    public void SkipFillReservationId() => FillCount++;

    /// <summary>Books <paramref name="quantity"/> units reserved and committed to an entry's order.</summary>
    public void RecordFill(BackorderEntry entry, long quantity)
    {
        FillCount++;
        var index = IndexOf(entry.OrderId, entry.LineId);
        if (index >= 0)
        {
            var left = Entries[index].Quantity - quantity;
            if (left > 0)
            {
                Entries[index] = Entries[index] with { Quantity = left };
            }
            else
            {
                Entries.RemoveAt(index);
            }
        }

        AddNotice(BackorderNoticeKind.Filled, entry.OrderId, entry.LineId, quantity, null, null, "stock arrived");
    }

    /// <summary>
    /// Promises each entry, in queue order, the ETA of the supply that covers it once the stock available now and the
    /// demand of the entries ahead are counted; no promise when the supply known does not reach it. An entry whose
    /// promise moves gets a notice (except <paramref name="quiet"/>, which is answered its promise directly).
    /// </summary>
    public void Promise(long availableNow, IReadOnlyList<SupplyLine> supply, DateTimeOffset now, (string OrderId, string LineId)? quiet = null)
    {
        var ordered = supply.Where(s => s.Quantity > 0).OrderBy(s => s.Eta).ToList();
        var covered = Math.Max(0, availableNow);
        var demand = 0L;
        var next = 0;
        DateTimeOffset? eta = null;
        string? from = null;
        for (var i = 0; i < Entries.Count; i++)
        {
            var entry = Entries[i];
            demand += entry.Quantity;
            while (covered < demand && next < ordered.Count)
            {
                covered += ordered[next].Quantity;
                eta = ordered[next].Eta;
                from = ordered[next].Reference;
                next++;
            }

            // Covered by stock on hand: the next fill takes it, so a promise already made stands.
            DateTimeOffset? promised = covered < demand ? null : eta ?? entry.PromisedDate ?? now;
            var promisedFrom = covered >= demand ? from : null;
            if (promised == entry.PromisedDate)
            {
                continue;
            }

            Entries[i] = entry with { PromisedDate = promised, PromisedFrom = promisedFrom };
            var isQuiet = quiet is { } q && string.Equals(q.OrderId, entry.OrderId, StringComparison.Ordinal) && string.Equals(q.LineId, entry.LineId, StringComparison.Ordinal);
            if (!isQuiet)
            {
                AddNotice(BackorderNoticeKind.Repromised, entry.OrderId, entry.LineId, entry.Quantity, promised, entry.PromisedDate,
                    Explain(entry.PromisedDate, promised, promisedFrom));
            }
        }
    }

    public IReadOnlyList<BackorderNotice> NoticesFor(string orderId)
        => [.. Notices.Where(n => string.Equals(n.OrderId, orderId, StringComparison.Ordinal))];

    /// <summary>The orders with notices they have not acknowledged.</summary>
    public IReadOnlyList<string> OrdersToNotify() => [.. Notices.Select(n => n.OrderId).Distinct(StringComparer.Ordinal)];

    /// <summary>Forgets the order's notices up to and including <paramref name="sequence"/>; true when any went.</summary>
    public bool Acknowledge(string orderId, long sequence)
        => Notices.RemoveAll(n => n.Sequence <= sequence && string.Equals(n.OrderId, orderId, StringComparison.Ordinal)) > 0;

    private void AddNotice(BackorderNoticeKind kind, string orderId, string lineId, long quantity, DateTimeOffset? promised, DateTimeOffset? previous, string cause)
        => Notices.Add(new BackorderNotice(++LastNotice, kind, orderId, lineId, quantity, promised, previous, cause));

    private static string Explain(DateTimeOffset? previous, DateTimeOffset? promised, string? from)
    {
        if (promised is null)
        {
            return previous is null ? "no supply known covers it" : $"the supply it was promised from no longer covers it (was due {previous:u})";
        }

        var source = from is null ? "stock on hand" : $"{from} due {promised:u}";
        return previous is null
            ? $"promised from {source}"
            : promised > previous ? $"supply delayed: now promised from {source} (was {previous:u})" : $"supply earlier: now promised from {source} (was {previous:u})";
    }

    private int IndexOf(string orderId, string lineId)
        => Entries.FindIndex(e => string.Equals(e.OrderId, orderId, StringComparison.Ordinal) && string.Equals(e.LineId, lineId, StringComparison.Ordinal));
}
