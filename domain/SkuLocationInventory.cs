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
public sealed class SkuLocationInventory
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
    /// The outbox of this SKU-location's availability (latest wins, so one slot): the last change numbered for the
    /// <c>inventory.availability.changed</c> event, and the last one a publisher accepted. While one is pending, its
    /// stored state is due for the expiry sweep, which wakes the SKU-location after a crash to hand it over.
    /// </summary>
    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public long OutboundSequence { get; private set; }

    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public long OutboundHanded { get; private set; }

    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public DateTimeOffset? OutboundPendingSince { get; private set; }

    [JsonIgnore] public bool OutboundPending => OutboundSequence > OutboundHanded;

    /// <summary>Numbers an availability change for the outbox (written with the change that caused it).</summary>
    public void MarkAvailabilityChanged(DateTimeOffset now)
    {
        OutboundSequence++;
        OutboundPendingSince ??= now;
    }

    /// <summary>Every target accepted the availability change numbered <paramref name="sequence"/>; true when that is news.</summary>
    public bool MarkAvailabilityHanded(long sequence)
    {
        if (sequence <= OutboundHanded)
        {
            return false;
        }

        OutboundHanded = Math.Min(sequence, OutboundSequence);
        if (!OutboundPending)
        {
            OutboundPendingSince = null;
        }

        return true;
    }

    /// <summary>Whether order lines wait in this SKU-location's backorder queue, which is then told when stock or supply grows.</summary>
    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool BackordersWaiting
    {
        get => _rare?.BackordersWaiting ?? false;
        private set
        {
            if (value || _rare is not null)
            {
                (_rare ??= new Rare()).BackordersWaiting = value;
            }
        }
    }

    // The stored form of the collections: under their public names, left out while empty, and an empty one read back
    // (as older builds wrote them) is kept as none.

    [JsonInclude, JsonPropertyName(nameof(RingFences)), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    private Dictionary<string, long>? StoredRingFences { get => RingFenceMap; set => RingFenceMap = NoneIfEmpty(value); }

    [JsonInclude, JsonPropertyName(nameof(UsageByChannel)), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    private Dictionary<string, long>? StoredUsageByChannel { get => UsageMap; set => UsageMap = NoneIfEmpty(value); }

    [JsonInclude, JsonPropertyName(nameof(Reservations)), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    private Dictionary<string, Reservation>? StoredReservations { get => _reservations; set => _reservations = NoneIfEmpty(value); }

    [JsonInclude, JsonPropertyName(nameof(Allocations)), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    private Dictionary<string, Allocation>? StoredAllocations { get => AllocationMap; set => AllocationMap = NoneIfEmpty(value); }

    [JsonInclude, JsonPropertyName(nameof(Inbound)), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    private List<InboundLine>? StoredInbound { get => InboundLines; set => InboundLines = NoneIfEmpty(value); }

    [JsonInclude, JsonPropertyName(nameof(RecentEventKeys)), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    private List<string>? StoredRecentEventKeys { get => _recentEventKeys; set => _recentEventKeys = NoneIfEmpty(value); }

    [JsonInclude, JsonPropertyName(nameof(RecentMovements)), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    private List<MovementRecord>? StoredRecentMovements { get => _recentMovements; set => _recentMovements = NoneIfEmpty(value); }

    [JsonInclude, JsonPropertyName(nameof(Violations)), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    private List<Violation>? StoredViolations { get => ViolationList; set => ViolationList = NoneIfEmpty(value); }

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

    // ---------------------------------------------------------------- availability

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

    /// <summary>ATP for a channel now, or including supply due by <paramref name="supplyDueBy"/>.</summary>
    public long AvailableFor(string? channel, DateTimeOffset? supplyDueBy = null)
    {
        long fencedForOthers = 0;
        if (RingFenceMap is { Count: > 0 })
        {
            fencedForOthers = AvailableToPromise.FencedForOthers(RingFenceHolds().Select(h => (h.Channel, h.Remaining)), channel);
        }

        var supplyDue = supplyDueBy is null || InboundLines is null ? 0 : AvailableToPromise.SupplyDue(InboundLines.Select(l => (l.Quantity, l.Eta)), supplyDueBy);
        return AvailableToPromise.For(AvailableRaw, fencedForOthers, supplyDue);
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

    // ---------------------------------------------------------------- reservations

    public ReservationDecision Reserve(ReserveRequest request, DateTimeOffset now, InventoryRules rules)
    {
        if (FindReservation(request.ReservationId) is { } existing)
        {
            return existing.IsSameRequestAs(request)
                ? new ReservationDecision(DecisionCode.Ok, existing, AvailableFor(existing.Channel))
                : new ReservationDecision(
                    DecisionCode.IdConflict,
                    existing,
                    AvailableFor(request.Channel),
                    $"Reservation '{request.ReservationId}' already exists with a different request.",
                    "reservationId");
        }

        if (request.Quantity <= 0)
        {
            return Invalid("quantity", "Quantity must be a positive whole number of units.", request.Channel);
        }

        if (request.TtlSeconds is <= 0)
        {
            return Invalid("ttlSeconds", "ttlSeconds must be positive.", request.Channel);
        }

        var available = AvailableFor(request.Channel);
        var granted = Math.Min(request.Quantity, available);
        if (granted <= 0 || (granted < request.Quantity && !request.AllowPartial))
        {
            return new ReservationDecision(
                DecisionCode.InsufficientStock,
                null,
                available,
                $"Only {available} available to promise for channel '{request.Channel}'; {request.Quantity} requested.",
                "quantity");
        }

        var reservation = new Reservation(
            request.ReservationId,
            request.Channel,
            request.Quantity,
            granted,
            request.AllowPartial,
            request.TtlSeconds,
            request.OrderId,
            now,
            now + Ttl(request.TtlSeconds, rules));

        SetReservation(reservation);
        Reserved += granted;
        AddUsage(reservation.Channel, granted);
        EnqueueExpiry(reservation.Id, reservation.ExpiresAt);
        Touch(now);
        CheckInvariants(now, null);
        return new ReservationDecision(DecisionCode.Created, reservation, AvailableFor(reservation.Channel)) { Changed = true };
    }

    public ReservationDecision GetReservation(string reservationId)
        => FindReservation(reservationId) is { } r
            ? new ReservationDecision(DecisionCode.Ok, r, AvailableFor(r.Channel))
            : NotFound(reservationId);

    /// <summary>Turns an active reservation into an allocation for its order. Committing twice answers the same.</summary>
    public ReservationDecision Commit(string reservationId, string? orderId, DateTimeOffset now)
    {
        if (FindReservation(reservationId) is not { } r)
        {
            return NotFound(reservationId);
        }

        var allocateTo = orderId ?? r.OrderId;
        if (allocateTo is null)
        {
            return Invalid("orderId", $"Reservation '{reservationId}' was made without an order; name the orderId to commit it to.", r.Channel);
        }

        if (r.OrderId is not null && orderId is not null && !string.Equals(r.OrderId, orderId, StringComparison.Ordinal))
        {
            return Invalid("orderId", $"Reservation '{reservationId}' belongs to order '{r.OrderId}', not '{orderId}'.", r.Channel);
        }

        if (r.State == ReservationState.Committed)
        {
            return string.Equals(r.OrderId, allocateTo, StringComparison.Ordinal)
                ? new ReservationDecision(DecisionCode.Ok, r, AvailableFor(r.Channel))
                : Invalid("orderId", $"Reservation '{reservationId}' is already committed to order '{r.OrderId}'.", r.Channel);
        }

        if (!r.IsActive)
        {
            return NotActive(r);
        }

        var committed = r with { State = ReservationState.Committed, OrderId = allocateTo, ClosedAt = now };
        SetReservation(committed);
        Reserved -= r.Quantity;
        Allocate(allocateTo, r.Quantity, r.Channel);
        Touch(now);
        CheckInvariants(now, null);
        return new ReservationDecision(DecisionCode.Ok, committed, AvailableFor(r.Channel)) { Changed = true };
    }

    /// <summary>Gives an active reservation's stock back. Released or expired already: the same answer, no change.</summary>
    public ReservationDecision Release(string reservationId, DateTimeOffset now)
    {
        if (FindReservation(reservationId) is not { } r)
        {
            return NotFound(reservationId);
        }

        switch (r.State)
        {
            case ReservationState.Released or ReservationState.Expired:
                return new ReservationDecision(DecisionCode.Ok, r, AvailableFor(r.Channel));
            case ReservationState.Committed:
                return NotActive(r);
        }

        var released = Close(r, ReservationState.Released, now);
        Touch(now);
        CheckInvariants(now, null);
        return new ReservationDecision(DecisionCode.Ok, released, AvailableFor(r.Channel)) { Changed = true };
    }

    public ReservationDecision Extend(string reservationId, int ttlSeconds, DateTimeOffset now, InventoryRules rules)
    {
        if (FindReservation(reservationId) is not { } r)
        {
            return NotFound(reservationId);
        }

        if (ttlSeconds <= 0)
        {
            return Invalid("ttlSeconds", "ttlSeconds must be positive.", r.Channel);
        }

        if (!r.IsActive)
        {
            return NotActive(r);
        }

        var expiresAt = now + Ttl(ttlSeconds, rules);
        if (expiresAt <= r.ExpiresAt)
        {
            return new ReservationDecision(DecisionCode.Ok, r, AvailableFor(r.Channel));
        }

        var extended = r with { ExpiresAt = expiresAt };
        SetReservation(extended);
        EnqueueExpiry(reservationId, expiresAt);
        Touch(now);
        return new ReservationDecision(DecisionCode.Ok, extended, AvailableFor(r.Channel)) { Changed = true };
    }

    /// <summary>Expires every active reservation whose time has come; returns those it expired.</summary>
    public IReadOnlyList<Reservation> ExpireDue(DateTimeOffset now)
    {
        EnsureIndexes();
        List<Reservation>? expired = null;
        while (ExpiryQueue is not null && ExpiryQueue.TryPeek(out var id, out var at) && at <= now)
        {
            ExpiryQueue.Dequeue();
            if (_reservations!.TryGetValue(id, out var r) && r.IsActive && r.ExpiresAt == at)
            {
                (expired ??= []).Add(Close(r, ReservationState.Expired, now));
            }
        }

        if (expired is null)
        {
            return [];
        }

        Touch(now);
        CheckInvariants(now, null);
        return expired;
    }

    /// <summary>Forgets closed reservations older than the retention; returns how many it removed.</summary>
    public int PruneClosedReservations(DateTimeOffset now, InventoryRules rules)
    {
        if (_reservations is null)
        {
            return 0;
        }

        var cutoff = now - rules.ClosedReservationRetention;
        var stale = _reservations.Values.Where(r => !r.IsActive && r.ClosedAt < cutoff).Select(r => r.Id).ToList();
        foreach (var id in stale)
        {
            _reservations.Remove(id);
            ChangedIds?.Remove(id);
            (RemovedIds ??= new(StringComparer.Ordinal)).Add(id);
        }

        if (_reservations.Count == 0)
        {
            _reservations = null;
        }

        if (stale.Count > 0)
        {
            Touch(now);
        }

        return stale.Count;
    }

    /// <summary>
    /// Gives back units allocated to an order (cancelled, or allocated to it beyond what it wants), at most once per
    /// <paramref name="releaseId"/>. Returns the units released: never more than the order holds here.
    /// </summary>
    public long ReleaseAllocation(string orderId, long quantity, string releaseId, DateTimeOffset now, InventoryRules rules)
    {
        var key = string.Concat(OrderReleaseSource, "\u001f", releaseId);
        if (quantity <= 0 || HasSeen(key))
        {
            return 0;
        }

        Remember(key, rules);
        var released = Math.Min(quantity, Allocations.TryGetValue(orderId, out var allocation) ? allocation.Quantity : 0);
        Deallocate(orderId, released);
        Touch(now);
        CheckInvariants(now, null);
        return released;
    }

    /// <summary>The source under which allocation releases are remembered, apart from every warehouse's event ids.</summary>
    public const string OrderReleaseSource = "grid-orders";

    /// <summary>Records whether backorders wait here; false when that was known already.</summary>
    public bool WatchBackorders(bool waiting)
    {
        if (BackordersWaiting == waiting)
        {
            return false;
        }

        BackordersWaiting = waiting;
        return true;
    }

    // ---------------------------------------------------------------- policy

    /// <summary>Sets safety stock and ring-fences. Returns the field and reason when the policy is malformed.</summary>
    public (string Field, string Reason)? SetPolicy(long safetyStock, IReadOnlyDictionary<string, long> ringFences, DateTimeOffset now)
    {
        if (safetyStock < 0)
        {
            return ("safetyStock", "safetyStock must be zero or more.");
        }

        foreach (var (channel, quantity) in ringFences)
        {
            if (quantity < 0)
            {
                return ($"ringFences.{channel}", "A ring-fence must be zero or more.");
            }
        }

        SafetyStock = safetyStock;
        var fences = ringFences.Where(f => f.Value > 0).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
        RingFenceMap = fences.Count == 0 ? null : fences;
        Touch(now);
        CheckInvariants(now, null);
        return null;
    }

    // ---------------------------------------------------------------- movements

    public MovementDecision Apply(Movement movement, DateTimeOffset now, InventoryRules rules)
    {
        if (Validate(movement) is { } problem)
        {
            return new MovementDecision(movement.EventId, MovementResult.Rejected, Detail: problem);
        }

        var key = EventKey(movement);
        if (HasSeen(key))
        {
            return new MovementDecision(movement.EventId, MovementResult.Duplicate);
        }

        Remember(key, rules);
        var touchesOnHand = movement.Kind is not (MovementKind.InboundExpected or MovementKind.InboundDelayed);
        if (touchesOnHand && IsCoveredByLastCycleCount(movement))
        {
            Touch(now);
            return new MovementDecision(movement.EventId, MovementResult.Superseded,
                Detail: "Occurred before the last cycle count, which already reflects it.");
        }

        var flagged = ApplyEffect(movement, now, out var detail);
        if (touchesOnHand)
        {
            if (LastWarehouseEventAt is null || movement.OccurredAt > LastWarehouseEventAt)
            {
                LastWarehouseEventAt = movement.OccurredAt;
            }

            Record(new MovementRecord(movement.Kind, movement.Quantity, movement.Source, movement.EventId, movement.OccurredAt, now, OnHand, movement.Reference, flagged), rules);
        }

        Touch(now);
        flagged |= CheckInvariants(now, movement.EventId);
        return new MovementDecision(movement.EventId, MovementResult.Applied, flagged, detail);
    }

    private static string? Validate(Movement m)
    {
        if (string.IsNullOrEmpty(m.EventId))
        {
            return "eventId is required.";
        }

        if (string.IsNullOrEmpty(m.Source))
        {
            return "source is required.";
        }

        return m.Kind switch
        {
            MovementKind.Adjustment when m.Quantity == 0 => "An adjustment needs a non-zero quantity.",
            MovementKind.CycleCount when m.Quantity < 0 => "A counted quantity must be zero or more.",
            MovementKind.InboundExpected when m.Quantity < 0 => "Expected inbound quantity must be zero or more.",
            MovementKind.InboundExpected or MovementKind.InboundDelayed when m.Eta is null => "An ETA is required for inbound supply.",
            MovementKind.InboundExpected or MovementKind.InboundDelayed when string.IsNullOrEmpty(m.Reference) => "A reference (PO or ASN) is required for inbound supply.",
            MovementKind.Adjustment or MovementKind.CycleCount or MovementKind.InboundExpected or MovementKind.InboundDelayed => null,
            _ when m.Quantity <= 0 => "Quantity must be a positive whole number of units.",
            _ => null,
        };
    }

    private bool ApplyEffect(Movement m, DateTimeOffset now, out string? detail)
    {
        detail = null;
        switch (m.Kind)
        {
            case MovementKind.Receipt:
                OnHand += m.Quantity;
                ConsumeInbound(m.Reference, m.Quantity);
                break;
            case MovementKind.Adjustment:
                OnHand += m.Quantity;
                break;
            case MovementKind.CycleCount:
                OnHand = m.Quantity;
                LastCycleCountAt = m.OccurredAt;
                LastCycleCountSource = m.Source;
                LastCycleCountSequence = m.Sequence;
                break;
            case MovementKind.Damage:
                Damaged += m.Quantity;
                break;
            case MovementKind.Quarantine:
                Quarantine += m.Quantity;
                break;
            case MovementKind.ReleaseQuarantine:
                if (m.Quantity > Quarantine)
                {
                    detail = $"Released {m.Quantity} from quarantine but only {Quarantine} was quarantined; quarantine set to 0.";
                    Quarantine = 0;
                    RecordViolation(now, "quarantine-release-exceeds-quarantine", detail, m.EventId);
                    return true;
                }

                Quarantine -= m.Quantity;
                break;
            case MovementKind.TransferOut:
                OnHand -= m.Quantity;
                break;
            case MovementKind.TransferIn:
                OnHand += m.Quantity;
                break;
            case MovementKind.Pick:
                OnHand -= m.Quantity;
                if (m.OrderId is not null)
                {
                    Deallocate(m.OrderId, m.Quantity);
                }

                break;
            case MovementKind.ShortPick:
                // The units were expected on the shelf and are not there: they leave on-hand, and the order's
                // allocation for them is released so that the order can be sourced again.
                OnHand -= m.Quantity;
                if (m.OrderId is not null)
                {
                    Deallocate(m.OrderId, m.Quantity);
                }

                break;
            case MovementKind.ReturnToStock:
                OnHand += m.Quantity;
                break;
            case MovementKind.ReturnToQuarantine:
                OnHand += m.Quantity;
                Quarantine += m.Quantity;
                break;
            case MovementKind.InboundExpected:
                ExpectInbound(m.Reference!, m.OrderId, m.Quantity, m.Eta!.Value);
                break;
            case MovementKind.InboundDelayed:
                DelayInbound(m.Reference!, m.Eta!.Value);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(m), m.Kind, "Unknown movement kind.");
        }

        if (OnHand < 0 && m.Kind is not (MovementKind.InboundExpected or MovementKind.InboundDelayed))
        {
            detail = $"On hand is {OnHand} after this movement; applied as the warehouse reported it, flagged for reconciliation.";
            RecordViolation(now, "negative-on-hand", detail, m.EventId);
            return true;
        }

        return false;
    }

    private bool IsCoveredByLastCycleCount(Movement m)
    {
        if (LastCycleCountAt is null)
        {
            return false;
        }

        if (m.Sequence is not null && LastCycleCountSequence is not null && string.Equals(m.Source, LastCycleCountSource, StringComparison.Ordinal))
        {
            return m.Sequence < LastCycleCountSequence;
        }

        return m.OccurredAt < LastCycleCountAt;
    }

    private void ExpectInbound(string reference, string? purchaseOrderId, long quantity, DateTimeOffset eta)
    {
        InboundLines?.RemoveAll(l => string.Equals(l.Reference, reference, StringComparison.Ordinal));
        if (purchaseOrderId is not null && !string.Equals(purchaseOrderId, reference, StringComparison.Ordinal))
        {
            // An ASN ships part of a purchase order: that part moves from the PO line to the ASN line.
            ConsumeInbound(purchaseOrderId, quantity);
        }

        if (quantity > 0)
        {
            var inbound = InboundLines ??= new(1);
            inbound.Add(new InboundLine(reference, quantity, eta, purchaseOrderId));
            inbound.Sort((a, b) => a.Eta.CompareTo(b.Eta));
        }

        InboundLines = NoneIfEmpty(InboundLines);
    }

    private void DelayInbound(string reference, DateTimeOffset eta)
    {
        if (InboundLines is not { } inbound)
        {
            return;
        }

        for (var i = 0; i < inbound.Count; i++)
        {
            var line = inbound[i];
            if (string.Equals(line.Reference, reference, StringComparison.Ordinal) || string.Equals(line.PurchaseOrderId, reference, StringComparison.Ordinal))
            {
                inbound[i] = line with { Eta = eta };
            }
        }

        inbound.Sort((a, b) => a.Eta.CompareTo(b.Eta));
    }

    private void ConsumeInbound(string? reference, long quantity)
    {
        if (reference is null || InboundLines is not { } inbound)
        {
            return;
        }

        for (var i = 0; i < inbound.Count && quantity > 0; i++)
        {
            var line = inbound[i];
            if (!string.Equals(line.Reference, reference, StringComparison.Ordinal) && !string.Equals(line.PurchaseOrderId, reference, StringComparison.Ordinal))
            {
                continue;
            }

            var taken = Math.Min(quantity, line.Quantity);
            quantity -= taken;
            inbound[i] = line with { Quantity = line.Quantity - taken };
        }

        inbound.RemoveAll(l => l.Quantity <= 0);
        InboundLines = NoneIfEmpty(inbound);
    }

    // ---------------------------------------------------------------- invariants

    /// <summary>
    /// The checks that run after every command, in constant time: no bucket below zero, and commitments covered by
    /// sellable stock. A breach is recorded (and returned) rather than thrown: the warehouse is physical truth.
    /// </summary>
    private bool CheckInvariants(DateTimeOffset now, string? eventId)
    {
        var breached = false;
        if (Reserved < 0 || Allocated < 0 || Damaged < 0 || Quarantine < 0 || SafetyStock < 0)
        {
            breached = RecordViolation(now, "negative-bucket",
                $"reserved={Reserved}, allocated={Allocated}, damaged={Damaged}, quarantine={Quarantine}, safetyStock={SafetyStock}.", eventId);
        }

        var sellableBeforeSafety = OnHand - Damaged - Quarantine;
        if (Reserved + Allocated > 0 && Reserved + Allocated > sellableBeforeSafety && eventId is not null)
        {
            // Only a movement can do this (reservations are refused instead): stock the warehouse no longer has
            // is promised. Raised for reconciliation; the commitments stand until someone resolves them.
            breached |= RecordViolation(now, "commitments-exceed-stock",
                $"reserved {Reserved} + allocated {Allocated} exceed on hand less damaged and quarantine ({sellableBeforeSafety}).", eventId);
        }

        return breached;
    }

    /// <summary>The full audit: recounts the running totals from the reservations and allocations.</summary>
    public IReadOnlyList<string> Audit()
    {
        var problems = new List<string>();
        var reserved = Reservations.Values.Where(r => r.IsActive).Sum(r => r.Quantity);
        if (reserved != Reserved)
        {
            problems.Add($"reserved total {Reserved} differs from the active reservations ({reserved}).");
        }

        var allocated = Allocations.Values.Sum(a => a.Quantity);
        if (allocated != Allocated)
        {
            problems.Add($"allocated total {Allocated} differs from the allocations ({allocated}).");
        }

        return problems;
    }

    private bool RecordViolation(DateTimeOffset now, string rule, string detail, string? eventId)
    {
        var violations = ViolationList ??= new(1);
        violations.Add(new Violation(now, rule, detail, eventId));
        if (violations.Count > InventoryRules.Default.InvariantViolationCount)
        {
            violations.RemoveAt(0);
        }

        return true;
    }

    // ---------------------------------------------------------------- helpers

    private Reservation Close(Reservation r, ReservationState state, DateTimeOffset now)
    {
        var closed = r with { State = state, ClosedAt = now };
        SetReservation(closed);
        Reserved -= r.Quantity;
        AddUsage(r.Channel, -r.Quantity);
        return closed;
    }

    private void Allocate(string orderId, long quantity, string? channel)
    {
        var allocations = AllocationMap ??= new(StringComparer.Ordinal);
        allocations[orderId] = allocations.TryGetValue(orderId, out var existing)
            ? existing with { Quantity = existing.Quantity + quantity }
            : new Allocation(orderId, quantity, channel);
        Allocated += quantity;
    }

    private void Deallocate(string orderId, long quantity)
    {
        if (AllocationMap is not { } allocations || !allocations.TryGetValue(orderId, out var allocation))
        {
            return;
        }

        var taken = Math.Min(quantity, allocation.Quantity);
        Allocated -= taken;
        if (allocation.Channel is not null)
        {
            AddUsage(allocation.Channel, -taken);
        }

        if (taken == allocation.Quantity)
        {
            allocations.Remove(orderId);
            AllocationMap = NoneIfEmpty(allocations);
        }
        else
        {
            allocations[orderId] = allocation with { Quantity = allocation.Quantity - taken };
        }
    }

    private void AddUsage(string channel, long delta)
    {
        var usage = (UsageMap?.GetValueOrDefault(channel) ?? 0) + delta;
        if (usage == 0)
        {
            UsageMap?.Remove(channel);
            UsageMap = NoneIfEmpty(UsageMap);
        }
        else
        {
            (UsageMap ??= new(StringComparer.Ordinal))[channel] = usage;
        }
    }

    private static TimeSpan Ttl(int? ttlSeconds, InventoryRules rules)
    {
        var ttl = ttlSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : rules.DefaultReservationTtl;
        return ttl > rules.MaxReservationTtl ? rules.MaxReservationTtl : ttl;
    }

    private static string EventKey(Movement m) => string.Concat(m.Source, "\u001f", m.EventId);

    /// <summary>Whether (source, event id) <paramref name="key"/> is among the recent keys.</summary>
    private bool HasSeen(string key)
    {
        if (_recentEventKeys is not { } keys)
        {
            return false;
        }

        if (SeenEvents is null && keys.Count <= SeenSetThreshold)
        {
            // Newest first: a redelivery is most often of something just applied.
            for (var i = keys.Count - 1; i >= 0; i--)
            {
                if (string.Equals(keys[i], key, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }

        SeenEvents ??= new HashSet<string>(keys, StringComparer.Ordinal);
        return SeenEvents.Contains(key);
    }

    private void Remember(string key, InventoryRules rules)
    {
        var keys = _recentEventKeys ??= new(1);
        keys.Add(key);
        EventKeySequence++;
        _unsavedEventKeys++;
        SeenEvents?.Add(key);
        var excess = keys.Count - rules.DedupeWindow;
        if (excess > 0)
        {
            if (SeenEvents is not null)
            {
                for (var i = 0; i < excess; i++)
                {
                    SeenEvents.Remove(keys[i]);
                }
            }

            keys.RemoveRange(0, excess);
        }
    }

    private void Record(MovementRecord record, InventoryRules rules)
    {
        var movements = _recentMovements ??= new(1);
        movements.Add(record);
        MovementSequence++;
        _unsavedMovements++;
        if (movements.Count > rules.RecentMovementCount)
        {
            movements.RemoveRange(0, movements.Count - rules.RecentMovementCount);
        }
    }

    private void Touch(DateTimeOffset now)
    {
        Version++;
        AsOf = now;
    }

    /// <summary>Builds the expiry queue from the reservations the first time it is needed after a load.</summary>
    private void EnsureIndexes()
    {
        if (_indexesBuilt)
        {
            return;
        }

        _indexesBuilt = true;
        if (_reservations is null)
        {
            return;
        }

        foreach (var r in _reservations.Values)
        {
            if (r.IsActive)
            {
                (ExpiryQueue ??= new()).Enqueue(r.Id, r.ExpiresAt);
            }
        }
    }

    private void EnqueueExpiry(string reservationId, DateTimeOffset expiresAt)
    {
        EnsureIndexes();
        (ExpiryQueue ??= new()).Enqueue(reservationId, expiresAt);
    }

    private Reservation? FindReservation(string reservationId)
        => _reservations is not null && _reservations.TryGetValue(reservationId, out var r) ? r : null;

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
    }

    private static Dictionary<string, T>? NoneIfEmpty<T>(Dictionary<string, T>? items)
        => items is { Count: > 0 } ? items : null;

    private static List<T>? NoneIfEmpty<T>(List<T>? items)
        => items is { Count: > 0 } ? items : null;

    private ReservationDecision NotFound(string reservationId)
        => new(DecisionCode.NotFound, null, AvailableFor(null), $"No reservation '{reservationId}' at {Sku}@{Location}.", "reservationId");

    private ReservationDecision NotActive(Reservation r)
        => new(DecisionCode.NotActive, r, AvailableFor(r.Channel), $"Reservation '{r.Id}' is {r.State.ToString().ToLowerInvariant()}, no longer active.");

    private ReservationDecision Invalid(string field, string detail, string? channel)
        => new(DecisionCode.Invalid, null, AvailableFor(channel), detail, field);

    private void SetReservation(Reservation reservation)
    {
        (_reservations ??= new(StringComparer.Ordinal))[reservation.Id] = reservation;
        (ChangedIds ??= new(StringComparer.Ordinal)).Add(reservation.Id);
        RemovedIds?.Remove(reservation.Id);
    }

    /// <summary>
    /// What changed since the last call, for a storage write that must not cost more than the change: everything but
    /// the reservations (small and bounded) as a copy later commands cannot change, plus the reservations added or
    /// changed and the ids of those forgotten. A hot SKU-location may hold many thousands of reservations; a batch
    /// of commands touches a few.
    /// </summary>
    public InventoryChanges TakeChanges()
    {
        IReadOnlyList<Reservation> changed = ChangedIds is null ? [] : [.. ChangedIds.Select(id => _reservations![id])];
        IReadOnlyList<string> removed = RemovedIds is null ? [] : [.. RemovedIds];
        ChangedIds = null;
        RemovedIds = null;
        var due = NextExpiry;
        if (OutboundPendingSince is { } pending && (due is null || pending < due))
        {
            due = pending;
        }

        return new InventoryChanges(CopyWithoutReservations(withJournal: false), changed, removed, due, TakeJournal());
    }

    private InventoryJournal TakeJournal()
    {
        var keys = RecentEventKeys;
        var movements = RecentMovements;
        var newKeys = Math.Min(_unsavedEventKeys, keys.Count);
        var newMovements = Math.Min(_unsavedMovements, movements.Count);
        _unsavedEventKeys = 0;
        _unsavedMovements = 0;
        return new InventoryJournal(
            EventKeySequence - newKeys + 1,
            newKeys == 0 ? [] : [.. keys.Skip(keys.Count - newKeys)],
            EventKeySequence - keys.Count + 1,
            MovementSequence - newMovements + 1,
            newMovements == 0 ? [] : [.. movements.Skip(movements.Count - newMovements)],
            MovementSequence - movements.Count + 1);
    }

    /// <summary>
    /// Puts back the event keys and movements stored apart from the header (its journal), oldest first, when the
    /// inventory is read from storage.
    /// </summary>
    public void RestoreJournal(IReadOnlyList<string> eventKeys, IReadOnlyList<MovementRecord> movements)
    {
        if (EventKeySequence == 0 && MovementSequence == 0 && eventKeys.Count == 0 && movements.Count == 0)
        {
            // A header written before the journal existed carries its keys and movements itself: they are numbered
            // now and go to the journal with the next write.
            EventKeySequence = _unsavedEventKeys = RecentEventKeys.Count;
            MovementSequence = _unsavedMovements = RecentMovements.Count;
            return;
        }

        _recentEventKeys = eventKeys.Count == 0 ? null : [.. eventKeys];
        _recentMovements = movements.Count == 0 ? null : [.. movements];
        SeenEvents = null;
    }

    /// <summary>Puts back the reservations stored apart from the rest of the state, when the inventory is read from storage.</summary>
    public void RestoreReservations(IEnumerable<Reservation> reservations)
    {
        foreach (var reservation in reservations)
        {
            (_reservations ??= new(StringComparer.Ordinal))[reservation.Id] = reservation;
        }

        _indexesBuilt = false;
        ExpiryQueue = null;
    }

    /// <summary>A full copy that later commands cannot change. The reservations, allocations and lines are immutable values.</summary>
    public SkuLocationInventory Copy()
    {
        var copy = CopyWithoutReservations(withJournal: true);
        copy._reservations = _reservations is null ? null : new(_reservations, StringComparer.Ordinal);
        return copy;
    }

    private SkuLocationInventory CopyWithoutReservations(bool withJournal) => new()
    {
        Sku = Sku,
        Location = Location,
        Version = Version,
        OnHand = OnHand,
        Damaged = Damaged,
        Quarantine = Quarantine,
        SafetyStock = SafetyStock,
        Reserved = Reserved,
        Allocated = Allocated,
        RingFenceMap = RingFenceMap is null ? null : new(RingFenceMap, StringComparer.Ordinal),
        UsageMap = UsageMap is null ? null : new(UsageMap, StringComparer.Ordinal),
        AllocationMap = AllocationMap is null ? null : new(AllocationMap, StringComparer.Ordinal),
        InboundLines = InboundLines is null ? null : [.. InboundLines],
        _recentEventKeys = !withJournal || _recentEventKeys is null ? null : [.. _recentEventKeys],
        LastCycleCountAt = LastCycleCountAt,
        LastCycleCountSource = LastCycleCountSource,
        LastCycleCountSequence = LastCycleCountSequence,
        _recentMovements = !withJournal || _recentMovements is null ? null : [.. _recentMovements],
        EventKeySequence = EventKeySequence,
        MovementSequence = MovementSequence,
        ViolationList = ViolationList is null ? null : [.. ViolationList],
        AsOf = AsOf,
        LastWarehouseEventAt = LastWarehouseEventAt,
        LastDelivery = LastDelivery,
        BackordersWaiting = BackordersWaiting,
        OutboundSequence = OutboundSequence,
        OutboundHanded = OutboundHanded,
        OutboundPendingSince = OutboundPendingSince,
    };
}

/// <summary>
/// A SKU-location's change since the previous write: <see cref="Header"/> is all of the state but the reservations
/// and the journal (its <see cref="SkuLocationInventory.Reservations"/>, recent event keys and movements are empty).
/// </summary>
/// <remarks><see cref="NextExpiry"/> is stored beside the state so that reservations of a SKU-location no silo holds
/// can be found and expired (see <see cref="IExpiryIndex"/>).</remarks>
public sealed record InventoryChanges(
    SkuLocationInventory Header,
    IReadOnlyList<Reservation> ChangedReservations,
    IReadOnlyList<string> RemovedReservations,
    DateTimeOffset? NextExpiry,
    InventoryJournal Journal);

/// <summary>
/// What a write adds to a SKU-location's journal, the recent event keys and movements kept apart from its header so
/// that a write stores the few recorded since the last one instead of rewriting hundreds: the new entries numbered
/// from <c>FirstNew…</c>, and the oldest number of each still kept (the store forgets those below it).
/// </summary>
public sealed record InventoryJournal(
    long FirstNewEventKey,
    IReadOnlyList<string> NewEventKeys,
    long OldestEventKeyKept,
    long FirstNewMovement,
    IReadOnlyList<MovementRecord> NewMovements,
    long OldestMovementKept)
{
    public bool IsEmpty => NewEventKeys.Count == 0 && NewMovements.Count == 0;
}

/// <summary>Where the SKU-locations with reservations due are found, whatever holds their state.</summary>
public interface IExpiryIndex
{
    /// <summary>Keys (<c>SKU@LOCATION</c>) of SKU-locations whose next reservation expiry is at or before <paramref name="now"/>.</summary>
    Task<IReadOnlyList<string>> DueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default);
}
