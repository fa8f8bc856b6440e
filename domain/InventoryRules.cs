namespace Grid.Domain;

/// <summary>The configurable limits a SKU-location applies (see <c>Grid:Inventory</c> options).</summary>
public sealed record InventoryRules
{
    public TimeSpan DefaultReservationTtl { get; init; } = TimeSpan.FromMinutes(15);

    public TimeSpan MaxReservationTtl { get; init; } = TimeSpan.FromDays(1);

    /// <summary>How long a closed reservation is kept so that replays and reads still answer it.</summary>
    public TimeSpan ClosedReservationRetention { get; init; } = TimeSpan.FromDays(1);

    /// <summary>How many recent (source, event id) pairs a SKU-location remembers to drop duplicates.</summary>
    public int DedupeWindow { get; init; } = 256;

    public int RecentMovementCount { get; init; } = 50;

    public int InvariantViolationCount { get; init; } = 20;

    public static InventoryRules Default { get; } = new();
}
