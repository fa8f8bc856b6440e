namespace Grid.Domain;

// Invariants: checked after every command, recorded when broken, audited on request.
public sealed partial class SkuLocationInventory
{
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

    /// <summary>
    /// Whether the state as it stands passes the checks that run after every command (no bucket, on-hand included,
    /// below zero; commitments covered by on hand less damaged and quarantine): a failure reported earlier has cleared.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool SelfCheckPasses
        => OnHand >= 0 && Reserved >= 0 && Allocated >= 0 && Damaged >= 0 && Quarantine >= 0 && SafetyStock >= 0
           && Reserved + Allocated <= Math.Max(0, OnHand - Damaged - Quarantine);

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

    /// <summary>The rule a movement breaks when it leaves on-hand below zero.</summary>
    public const string NegativeOnHandRule = "negative-on-hand";

    private bool RecordViolation(DateTimeOffset now, string rule, string detail, string? eventId)
    {
        var violations = ViolationList ??= new(1);
        var violation = new Violation(now, rule, detail, eventId);
        violations.Add(violation);
        PublishViolation(violation);
        if (violations.Count > InventoryRules.Default.InvariantViolationCount)
        {
            violations.RemoveAt(0);
        }

        return true;
    }
}
