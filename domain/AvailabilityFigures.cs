namespace Grid.Domain;

/// <summary>
/// The figures of a SKU-location that its availability is made of, as of one moment: what an
/// <c>inventory.availability.changed</c> event reports. Two states with the same figures offer the same ATP to every
/// channel at every date, whatever else changed between them (an event key remembered, a reservation renamed).
/// </summary>
public sealed record AvailabilityFigures(
    long OnHand,
    long Damaged,
    long Quarantine,
    long SafetyStock,
    long Reserved,
    long Allocated,
    IReadOnlyList<(string Reference, long Quantity, DateTimeOffset Eta)> Inbound,
    IReadOnlyList<(string Channel, long Fenced, long Used, long Remaining)> RingFences,
    long BackorderDemand = 0)
{
    public static AvailabilityFigures None { get; } = new(0, 0, 0, 0, 0, 0, [], []);

    /// <summary>Whether <paramref name="other"/> offers the same availability: every figure, inbound line, ring-fence and backorder demand equal.</summary>
    public bool SameAs(AvailabilityFigures other)
        => OnHand == other.OnHand && Damaged == other.Damaged && Quarantine == other.Quarantine && SafetyStock == other.SafetyStock
            && Reserved == other.Reserved && Allocated == other.Allocated && BackorderDemand == other.BackorderDemand
            && Inbound.SequenceEqual(other.Inbound) && RingFences.SequenceEqual(other.RingFences);
}
