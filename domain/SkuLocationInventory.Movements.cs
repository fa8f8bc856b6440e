namespace Grid.Domain;

// Warehouse and supplier movements, and the policy (safety stock, ring-fences).
public sealed partial class SkuLocationInventory
{
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
                    Deallocate(m.OrderId, m.Quantity, returnQuota: false);
                }

                break;
            case MovementKind.ShortPick:
                // The units were expected on the shelf and are not there: they leave on-hand, and the order's
                // allocation for them is released so that the order can be sourced again.
                OnHand -= m.Quantity;
                if (m.OrderId is not null)
                {
                    Deallocate(m.OrderId, m.Quantity, returnQuota: true);
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
            RecordViolation(now, NegativeOnHandRule, detail, m.EventId);
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
}
