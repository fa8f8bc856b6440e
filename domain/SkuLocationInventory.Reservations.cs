using Grid.Domain.Outbound;

namespace Grid.Domain;

// Reservations: reserve, commit, release, extend, expiry, allocations by order.
public sealed partial class SkuLocationInventory
{
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

        var available = AvailableFor(request.Channel, forBackorders: request.ForBackorders);
        var granted = Math.Min(request.Quantity, Math.Min(available, request.Quota?.Granted ?? long.MaxValue));
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
            now + Ttl(request.TtlSeconds, rules),
            Quota: request.Quota?.Key);

        SetReservation(reservation);
        Reserved += granted;
        AddUsage(reservation.Channel, granted);
        if (request.Quota is { } ticket)
        {
            ConsumeQuota(ticket, granted);
        }

        if (request.ForBackorders)
        {
            // The units held for the queue are now its reservation: hold that many fewer, in the same step.
            BackorderDemand = Math.Max(0, BackorderDemand - granted);
        }

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
        Allocate(allocateTo, r.Quantity, r.Channel, r.Quota);
        Touch(now);
        CheckInvariants(now, null);
        PublishReservation(OutboundEventTypes.ReservationCommitted, committed, now);
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
        PublishReservation(OutboundEventTypes.ReservationReleased, released, now);
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
        foreach (var r in expired)
        {
            PublishReservation(OutboundEventTypes.ReservationExpired, r, now);
        }

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
        Deallocate(orderId, released, returnQuota: true);
        Touch(now);
        CheckInvariants(now, null);
        return released;
    }

    /// <summary>The source under which allocation releases are remembered, apart from every warehouse's event ids.</summary>
    public const string OrderReleaseSource = "grid-orders";

    private Reservation Close(Reservation r, ReservationState state, DateTimeOffset now)
    {
        var closed = r with { State = state, ClosedAt = now };
        SetReservation(closed);
        Reserved -= r.Quantity;
        AddUsage(r.Channel, -r.Quantity);
        if (r.Quota is not null)
        {
            AddQuotaUsage(r.Quota, -r.Quantity);
        }

        return closed;
    }

    private void Allocate(string orderId, long quantity, string? channel, string? quota)
    {
        var allocations = AllocationMap ??= new(StringComparer.Ordinal);
        allocations[orderId] = allocations.TryGetValue(orderId, out var existing)
            ? existing with { Quantity = existing.Quantity + quantity }
            : new Allocation(orderId, quantity, channel);
        if (quota is not null)
        {
            allocations[orderId] = HoldQuota(allocations[orderId], quota, quantity);
        }

        Allocated += quantity;
    }

    /// <summary>
    /// Gives back units allocated to an order. Their quota goes back with them when <paramref name="returnQuota"/> (a
    /// cancellation, a short pick sourced again); units picked for the order keep it consumed (a sale in the period).
    /// </summary>
    private void Deallocate(string orderId, long quantity, bool returnQuota)
    {
        if (AllocationMap is not { } allocations || !allocations.TryGetValue(orderId, out var allocation))
        {
            return;
        }

        var taken = Math.Min(quantity, allocation.Quantity);
        allocation = ReleaseQuota(allocation, taken, returnQuota);
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

    private void AddUsage(string channel, long delta) => UsageMap = Counted(UsageMap, channel, delta);

    /// <summary>Adds <paramref name="delta"/> to a count by key; a count that reaches zero goes, and an empty map is none.</summary>
    private static Dictionary<string, long>? Counted(Dictionary<string, long>? counts, string key, long delta)
    {
        var count = (counts?.GetValueOrDefault(key) ?? 0) + delta;
        if (count != 0)
        {
            (counts ??= new(StringComparer.Ordinal))[key] = count;
            return counts;
        }

        counts?.Remove(key);
        return NoneIfEmpty(counts);
    }

    private static TimeSpan Ttl(int? ttlSeconds, InventoryRules rules)
    {
        var ttl = ttlSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : rules.DefaultReservationTtl;
        return ttl > rules.MaxReservationTtl ? rules.MaxReservationTtl : ttl;
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
}
