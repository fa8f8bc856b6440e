using System.Collections.ObjectModel;
using System.Text.Json.Serialization;

namespace Grid.Domain;

/// <summary>
/// The inventory of one SKU at one location (DESIGN §3): its buckets, reservations, allocations by order, inbound
/// supply and ring-fences, with the rules that change them. Plain C#: every command takes the time as data, decides
/// synchronously and leaves the invariants checked. The grain that owns it persists it before acknowledging.
/// </summary>
/// <remarks>
/// One is resident per active SKU-location, so it is kept small: every collection is allocated on first use (a
/// SKU-location that only ever received stock holds two short lists), readers see a shared empty collection until
/// then, and empty collections are left out of the stored JSON. Duplicate events are found by scanning the recent
/// keys while they are few; a set beside them is built only once there are more than
/// <see cref="SeenSetThreshold"/>.
/// </remarks>
public sealed partial class SkuLocationInventory
{
    /// <summary>Up to this many recent event keys, a duplicate check scans them; beyond it, a set is kept beside them.</summary>
    public const int SeenSetThreshold = 32;

    // What every SKU-location that holds stock uses, in the object itself.
    private Dictionary<string, Reservation>? _reservations;
    private List<string>? _recentEventKeys;
    private List<MovementRecord>? _recentMovements;
    private int _unsavedEventKeys;
    private int _unsavedMovements;

    // What only some use (ring-fences, allocations, inbound supply, cycle counts, violations, reservation bookkeeping),
    // in a second object made on first use: a SKU-location that only received stock does not pay for its fields.
    private Rare? _rare;
    private bool _indexesBuilt;
    private string _location = "";

    public SkuLocationInventory()
    {
    }

    private Dictionary<string, long>? RingFenceMap { get => _rare?.RingFences; set => SetRare(value, static (r, v) => r.RingFences = v); }

    private Dictionary<string, long>? UsageMap { get => _rare?.UsageByChannel; set => SetRare(value, static (r, v) => r.UsageByChannel = v); }

    private Dictionary<string, Allocation>? AllocationMap { get => _rare?.Allocations; set => SetRare(value, static (r, v) => r.Allocations = v); }

    private List<InboundLine>? InboundLines { get => _rare?.Inbound; set => SetRare(value, static (r, v) => r.Inbound = v); }

    private List<Violation>? ViolationList { get => _rare?.Violations; set => SetRare(value, static (r, v) => r.Violations = v); }

    /// <summary>The recent event keys as a set; null while they are few enough to scan, and until first needed.</summary>
    private HashSet<string>? SeenEvents { get => _rare?.SeenEvents; set => SetRare(value, static (r, v) => r.SeenEvents = v); }

    private HashSet<string>? ChangedIds { get => _rare?.ChangedReservations; set => SetRare(value, static (r, v) => r.ChangedReservations = v); }

    private HashSet<string>? RemovedIds { get => _rare?.RemovedReservations; set => SetRare(value, static (r, v) => r.RemovedReservations = v); }

    private PriorityQueue<string, DateTimeOffset>? ExpiryQueue { get => _rare?.ExpiryQueue; set => SetRare(value, static (r, v) => r.ExpiryQueue = v); }

    public SkuLocationInventory(string sku, string location)
    {
        Sku = sku;
        Location = location;
    }

    [JsonInclude] public string Sku { get; private set; } = "";
    /// <summary>Interned: a silo holds a handful of locations and up to millions of SKU-locations.</summary>
    [JsonInclude] public string Location { get => _location; private set => _location = string.Intern(value); }

    /// <summary>Rises by one with every change; an observer keeps the highest it has seen.</summary>
    [JsonInclude] public long Version { get; private set; }

    [JsonInclude] public long OnHand { get; private set; }
    [JsonInclude] public long Damaged { get; private set; }
    [JsonInclude] public long Quarantine { get; private set; }
    [JsonInclude] public long SafetyStock { get; private set; }

    /// <summary>Sum of the active reservations, kept as a running total so ATP costs nothing to compute.</summary>
    [JsonInclude] public long Reserved { get; private set; }

    /// <summary>Sum of the allocations by order.</summary>
    [JsonInclude] public long Allocated { get; private set; }

    [JsonIgnore] public IReadOnlyDictionary<string, long> RingFences => (IReadOnlyDictionary<string, long>?)RingFenceMap ?? ReadOnlyDictionary<string, long>.Empty;

    /// <summary>Reserved plus allocated per channel, for the channels' ring-fences.</summary>
    [JsonIgnore] public IReadOnlyDictionary<string, long> UsageByChannel => (IReadOnlyDictionary<string, long>?)UsageMap ?? ReadOnlyDictionary<string, long>.Empty;

    [JsonIgnore] public IReadOnlyDictionary<string, Reservation> Reservations => (IReadOnlyDictionary<string, Reservation>?)_reservations ?? ReadOnlyDictionary<string, Reservation>.Empty;
    [JsonIgnore] public IReadOnlyDictionary<string, Allocation> Allocations => (IReadOnlyDictionary<string, Allocation>?)AllocationMap ?? ReadOnlyDictionary<string, Allocation>.Empty;
    [JsonIgnore] public IReadOnlyList<InboundLine> Inbound => InboundLines ?? (IReadOnlyList<InboundLine>)[];

    /// <summary>Recent (source, event id) keys, oldest first, bounded by <see cref="InventoryRules.DedupeWindow"/>.</summary>
    [JsonIgnore] public IReadOnlyList<string> RecentEventKeys => _recentEventKeys ?? (IReadOnlyList<string>)[];

    [JsonInclude] public DateTimeOffset? LastCycleCountAt { get => _rare?.LastCycleCountAt; private set => SetRare(value, static (r, v) => r.LastCycleCountAt = v); }
    [JsonInclude] public string? LastCycleCountSource { get => _rare?.LastCycleCountSource; private set => SetRare(value, static (r, v) => r.LastCycleCountSource = v); }
    [JsonInclude] public long? LastCycleCountSequence { get => _rare?.LastCycleCountSequence; private set => SetRare(value, static (r, v) => r.LastCycleCountSequence = v); }

    [JsonIgnore] public IReadOnlyList<MovementRecord> RecentMovements => _recentMovements ?? (IReadOnlyList<MovementRecord>)[];

    /// <summary>How many event keys were ever remembered here: numbers each key in the journal stored beside the header.</summary>
    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public long EventKeySequence { get; private set; }

    /// <summary>How many movements were ever recorded here: numbers each movement in the journal stored beside the header.</summary>
    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public long MovementSequence { get; private set; }
    [JsonIgnore] public IReadOnlyList<Violation> Violations => ViolationList ?? (IReadOnlyList<Violation>)[];

    /// <summary>When the state last changed.</summary>
    [JsonInclude] public DateTimeOffset? AsOf { get; private set; }

    /// <summary>When the last warehouse movement for this SKU-location occurred.</summary>
    [JsonInclude] public DateTimeOffset? LastWarehouseEventAt { get; private set; }

    /// <summary>The last durable-queue position applied; anything at or before it is a redelivery and changes nothing.</summary>
    [JsonInclude] public DeliveryMark? LastDelivery { get; private set; }

    /// <summary>
    /// What builds before the availability feed stored for outbound availability: the last change numbered for an
    /// outbox of one slot, and the last one a publisher accepted. Read, no longer written: a SKU-location stored with a
    /// change still pending is due for the expiry sweep, which wakes it, and its next write moves it in the feed, from
    /// which the targets' availability publishers deliver it.
    /// </summary>
    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public long OutboundSequence { get; private set; }

    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public long OutboundHanded { get; private set; }

    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public DateTimeOffset? OutboundPendingSince { get; private set; }

    /// <summary>
    /// Forgets the old outbox (see <see cref="OutboundSequence"/>); true when it held a change not handed over, which the
    /// SKU-location now owes the feed as a write.
    /// </summary>
    public bool ForgetOldAvailabilityOutbox()
    {
        var pending = OutboundSequence > OutboundHanded || OutboundPendingSince is not null;
        (OutboundSequence, OutboundHanded, OutboundPendingSince) = (0, 0, null);
        return pending;
    }

    /// <summary>The figures availability is made of, now.</summary>
    public AvailabilityFigures Figures() => new(
        OnHand, Damaged, Quarantine, SafetyStock, Reserved, Allocated,
        InboundLines is null ? [] : [.. InboundLines.Select(l => (l.Reference, l.Quantity, l.Eta))],
        RingFenceMap is null ? [] : [.. RingFenceHolds()],
        BackorderDemand);

    public long Sellable => AvailableToPromise.Sellable(OnHand, Damaged, Quarantine, SafetyStock);

    /// <summary>Sellable less reserved and allocated; negative when a physical loss left commitments uncovered.</summary>
    public long AvailableRaw => Sellable - Reserved - Allocated;

    public bool IsEmpty => Version == 0;

    /// <summary>Binds a fresh (never stored) inventory to its SKU-location.</summary>
    public void Identify(string sku, string location)
    {
        if (Version == 0)
        {
            Sku = sku;
            Location = location;
        }
    }

    /// <summary>Whether the event queued at <paramref name="mark"/> was applied already (a redelivery).</summary>
    public bool WasDelivered(DeliveryMark mark) => LastDelivery is { } last && mark <= last;

    /// <summary>Records that the event queued at <paramref name="mark"/> has been applied; false when it is not newer.</summary>
    public bool MarkDelivered(DeliveryMark mark)
    {
        if (WasDelivered(mark))
        {
            return false;
        }

        LastDelivery = mark;
        return true;
    }

    public IEnumerable<(string Channel, long Fenced, long Used, long Remaining)> RingFenceHolds()
    {
        if (RingFenceMap is null)
        {
            yield break;
        }

        foreach (var (channel, fenced) in RingFenceMap)
        {
            var used = UsageMap?.GetValueOrDefault(channel) ?? 0;
            yield return (channel, fenced, used, Math.Max(0, fenced - used));
        }
    }

    /// <summary>
    /// ATP for a channel now, or including supply due by <paramref name="supplyDueBy"/>: net of the stock held for
    /// backorders and, for a date, of the backordered units that supply will go to first. The backorder queue's own
    /// reservations (<paramref name="forBackorders"/>) may take the stock held for them.
    /// </summary>
    public long AvailableFor(string? channel, DateTimeOffset? supplyDueBy = null, bool forBackorders = false)
    {
        long fencedForOthers = 0;
        if (RingFenceMap is { Count: > 0 })
        {
            fencedForOthers = AvailableToPromise.FencedForOthers(RingFenceHolds().Select(h => (h.Channel, h.Remaining)), channel);
        }

        var supplyDue = supplyDueBy is null || InboundLines is null ? 0 : AvailableToPromise.SupplyDue(InboundLines.Select(l => (l.Quantity, l.Eta)), supplyDueBy);
        if (forBackorders || BackorderDemand == 0)
        {
            return AvailableToPromise.For(AvailableRaw, fencedForOthers, supplyDue);
        }

        var held = HeldForBackorders;
        var awaiting = supplyDueBy is null ? 0 : AvailableToPromise.AwaitingSupply(BackorderDemand, held);
        return AvailableToPromise.For(AvailableRaw, fencedForOthers, supplyDue, held, awaiting);
    }

    public DateTimeOffset? NextExpiry
    {
        get
        {
            EnsureIndexes();
            while (ExpiryQueue is not null && ExpiryQueue.TryPeek(out var id, out var at))
            {
                if (_reservations!.TryGetValue(id, out var r) && r.IsActive && r.ExpiresAt == at)
                {
                    return at;
                }

                ExpiryQueue.Dequeue();
            }

            return null;
        }
    }

    public bool HasActiveReservations => NextExpiry is not null;

    private void Touch(DateTimeOffset now)
    {
        Version++;
        AsOf = now;
    }

    /// <summary>Sets a field of <see cref="Rare"/>, making it only when there is something to keep.</summary>
    private void SetRare<T>(T value, Action<Rare, T> set)
    {
        if (value is not null || _rare is not null)
        {
            set(_rare ??= new Rare(), value);
        }
    }

    /// <summary>The fields most SKU-locations never use; see <see cref="_rare"/>.</summary>
    private sealed class Rare
    {
        public Dictionary<string, long>? RingFences;
        public Dictionary<string, long>? UsageByChannel;
        public Dictionary<string, Allocation>? Allocations;
        public List<InboundLine>? Inbound;
        public List<Violation>? Violations;
        public HashSet<string>? SeenEvents;
        public HashSet<string>? ChangedReservations;
        public HashSet<string>? RemovedReservations;
        public PriorityQueue<string, DateTimeOffset>? ExpiryQueue;
        public DateTimeOffset? LastCycleCountAt;
        public string? LastCycleCountSource;
        public long? LastCycleCountSequence;
        public bool BackordersWaiting;
        public long BackorderDemand;
        public Outbound.Outbox? Outbox;
        public long ViolationsRecorded;
        public long ViolationsReported;
        public bool QuotaControlled;
        public Dictionary<string, long>? QuotaUsage;
        public bool QuotaChanged;
        public List<string>? SettledGrants;
    }

    private static Dictionary<string, T>? NoneIfEmpty<T>(Dictionary<string, T>? items)
        => items is { Count: > 0 } ? items : null;

    private static List<T>? NoneIfEmpty<T>(List<T>? items)
        => items is { Count: > 0 } ? items : null;
}
