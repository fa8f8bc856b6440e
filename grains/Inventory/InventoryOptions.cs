using Grid.Domain;
using Microsoft.Extensions.Options;

namespace Grid.Inventory;

/// <summary>Inventory settings, bound from <c>Grid:Inventory</c> and validated at start-up.</summary>
public sealed class InventoryOptions
{
    public const string SectionName = "Grid:Inventory";

    /// <summary>Expiry of a reservation made without <c>ttlSeconds</c>. Default: 15 minutes.</summary>
    public TimeSpan DefaultReservationTtl { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Longest expiry a reservation may ask for or be extended to; longer requests are capped. Default: 1 day.</summary>
    public TimeSpan MaxReservationTtl { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long a committed, released or expired reservation stays readable (and replayable). Default: 1 day.</summary>
    public TimeSpan ClosedReservationRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>A location's ATP is flagged stale when its last warehouse event is older than this. Default: 24 hours.</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How many recent (source, event id) pairs each SKU-location remembers to drop duplicates. Default: 256.</summary>
    public int DedupeWindow { get; set; } = 256;

    /// <summary>
    /// Period of the cluster-wide expiry sweep, a reminder that wakes the SKU-locations no silo holds whose reservations
    /// fell due (an active SKU-location expires them on the second with a timer). Orleans refuses reminder periods under
    /// its minimum (1 minute unless <c>Grid:Reminders:MinimumReminderPeriod</c> lowers it). Default: 1 minute.
    /// </summary>
    public TimeSpan ExpiryReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    private InventoryRules? _rules;

    /// <summary>
    /// The rules these settings give. One instance is shared by every SKU-location grain (each asks on activation) for
    /// as long as the settings do not change.
    /// </summary>
    public InventoryRules ToRules()
    {
        if (_rules is { } rules
            && rules.DefaultReservationTtl == DefaultReservationTtl
            && rules.MaxReservationTtl == MaxReservationTtl
            && rules.ClosedReservationRetention == ClosedReservationRetention
            && rules.DedupeWindow == DedupeWindow)
        {
            return rules;
        }

        return _rules = new InventoryRules
        {
            DefaultReservationTtl = DefaultReservationTtl,
            MaxReservationTtl = MaxReservationTtl,
            ClosedReservationRetention = ClosedReservationRetention,
            DedupeWindow = DedupeWindow,
        };
    }
}

/// <summary>Checks <see cref="InventoryOptions"/>, each failure naming its key.</summary>
internal sealed class InventoryOptionsValidator : IValidateOptions<InventoryOptions>
{
    private const string Section = InventoryOptions.SectionName;
    private static readonly TimeSpan Year = TimeSpan.FromDays(365);

    public ValidateOptionsResult Validate(string? name, InventoryOptions options)
    {
        var problems = new List<string>();
        Within(problems, "DefaultReservationTtl", options.DefaultReservationTtl, TimeSpan.FromSeconds(1), Year);
        Within(problems, "MaxReservationTtl", options.MaxReservationTtl, TimeSpan.FromSeconds(1), Year);
        Within(problems, "ClosedReservationRetention", options.ClosedReservationRetention, TimeSpan.Zero, Year);
        Within(problems, "StaleAfter", options.StaleAfter, TimeSpan.FromSeconds(1), Year);
        Within(problems, "ExpiryReminderPeriod", options.ExpiryReminderPeriod, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        if (options.DedupeWindow is < 16 or > 100_000)
        {
            problems.Add($"{Section}:DedupeWindow must be between 16 and 100000, not {options.DedupeWindow}.");
        }

        if (options.DefaultReservationTtl > options.MaxReservationTtl)
        {
            problems.Add($"{Section}:DefaultReservationTtl ({options.DefaultReservationTtl}) must not exceed {Section}:MaxReservationTtl ({options.MaxReservationTtl}).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void Within(List<string> problems, string key, TimeSpan value, TimeSpan least, TimeSpan most)
    {
        if (value < least || value > most)
        {
            problems.Add($"{Section}:{key} must be between {least} and {most}, not {value}.");
        }
    }
}
