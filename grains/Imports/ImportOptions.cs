using Microsoft.Extensions.Options;

namespace Grid.Imports;

/// <summary>How fast an import applies its lines beside live traffic (<c>Grid:Imports</c>), validated at start-up.</summary>
public sealed class ImportOptions
{
    public const string SectionName = "Grid:Imports";

    /// <summary>Grain calls one import keeps in flight at once (a SKU-location's lines of a chunk are one call). Default: 16.</summary>
    public int Concurrency { get; set; } = 16;

    /// <summary>Lines per second one import applies at most; 0 applies as fast as <see cref="Concurrency"/> allows. Default: 20,000.</summary>
    public int MaxLinesPerSecond { get; set; } = 20_000;

    /// <summary>
    /// An import waits, chunk by chunk, while the warehouse event queues hold an event that has waited this long (live
    /// events first). <c>00:00:00</c> never waits. Default: 1 s (half of the default <c>Grid:Ingest:MaxLag</c>).
    /// </summary>
    public TimeSpan PauseAtLag { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Period of the reminder that wakes a running import no silo holds (after a restart). Orleans refuses periods under
    /// its minimum (1 minute unless <c>Grid:Reminders:MinimumReminderPeriod</c> lowers it). Default: 1 minute.
    /// </summary>
    public TimeSpan ResumePeriod { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>Checks <see cref="ImportOptions"/>, each failure naming its key.</summary>
internal sealed class ImportOptionsValidator : IValidateOptions<ImportOptions>
{
    private const string Section = ImportOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, ImportOptions options)
    {
        var problems = new List<string>();
        if (options.Concurrency is < 1 or > 256)
        {
            problems.Add($"{Section}:Concurrency must be between 1 and 256, not {options.Concurrency}.");
        }

        if (options.MaxLinesPerSecond is < 0 or > 10_000_000)
        {
            problems.Add($"{Section}:MaxLinesPerSecond must be between 0 (no cap) and 10000000, not {options.MaxLinesPerSecond}.");
        }

        if (options.PauseAtLag < TimeSpan.Zero || options.PauseAtLag > TimeSpan.FromHours(1))
        {
            problems.Add($"{Section}:PauseAtLag must be between 00:00:00 (never wait) and 01:00:00, not {options.PauseAtLag}.");
        }

        if (options.ResumePeriod < TimeSpan.FromSeconds(1) || options.ResumePeriod > TimeSpan.FromDays(1))
        {
            problems.Add($"{Section}:ResumePeriod must be between 00:00:01 and 1.00:00:00, not {options.ResumePeriod}.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
