using System.Text.Json.Serialization;

namespace Grid.Domain;

// Storage shape: the stored form of the collections, and what a write or a read exchanges with storage.
public sealed partial class SkuLocationInventory
{
    // What the last write told the availability feed: a write whose figures and warehouse time are the same tells it nothing.
    // Held per resident SKU-location, so the time is kept as UTC ticks (0: never) rather than a nullable DateTimeOffset.
    private AvailabilityFigures? _fedFigures;
    private long _fedWarehouseTicks;

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

        if (AfterWriteWorkSince is { } work && (due is null || work < due))
        {
            due = work;
        }

        return new InventoryChanges(CopyWithoutReservations(withJournal: false), changed, removed, due, TakeJournal(), TakeAvailabilityChange());
    }

    /// <summary>
    /// Whether what this write stores offers different availability from what the previous write of this activation
    /// stored (its figures, or when the warehouse last reported): the first write of an activation always does.
    /// </summary>
    private bool TakeAvailabilityChange()
    {
        var figures = Figures();
        var warehouseTicks = LastWarehouseEventAt?.UtcTicks ?? 0;
        if (_fedFigures is not null && figures.SameAs(_fedFigures) && _fedWarehouseTicks == warehouseTicks)
        {
            return false;
        }

        (_fedFigures, _fedWarehouseTicks) = (figures, warehouseTicks);
        return true;
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
        BackorderDemand = BackorderDemand,
        OutboundSequence = OutboundSequence,
        OutboundHanded = OutboundHanded,
        OutboundPendingSince = OutboundPendingSince,
        OutboxBox = OutboxBox?.Copy(),
        ViolationsRecorded = ViolationsRecorded,
        ViolationsReported = ViolationsReported,
        QuotaControlled = QuotaControlled,
        QuotaUsageMap = QuotaUsageMap is null ? null : new(QuotaUsageMap, StringComparer.Ordinal),
    };
}

/// <summary>
/// A SKU-location's change since the previous write: <see cref="Header"/> is all of the state but the reservations
/// and the journal (its <see cref="SkuLocationInventory.Reservations"/>, recent event keys and movements are empty).
/// </summary>
/// <remarks><see cref="NextExpiry"/> is stored beside the state so that reservations of a SKU-location no silo holds
/// can be found and expired (see <see cref="IExpiryIndex"/>). <see cref="AvailabilityChanged"/> says whether the write
/// moves the SKU-location in the availability feed (its figures or warehouse time changed since the previous write).</remarks>
public sealed record InventoryChanges(
    SkuLocationInventory Header,
    IReadOnlyList<Reservation> ChangedReservations,
    IReadOnlyList<string> RemovedReservations,
    DateTimeOffset? NextExpiry,
    InventoryJournal Journal,
    bool AvailabilityChanged = true);

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
