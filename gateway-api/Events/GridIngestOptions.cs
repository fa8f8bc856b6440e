using Microsoft.Extensions.Options;

namespace Grid.Gateway.Events;

/// <summary>How the event endpoints push back when Grid falls behind applying events (<c>Grid:Ingest</c>).</summary>
public sealed class GridIngestOptions
{
    public const string SectionName = "Grid:Ingest";

    /// <summary>
    /// The apply lag Grid keeps events within: while a queue a warehouse or supplier batch would join holds an event
    /// that has waited an eighth of this, a share of such batches is refused (429 with <c>Retry-After</c>), growing
    /// with the wait to all of them at three eighths of this. <c>00:00:00</c> turns back-pressure off. Default: 2 s.
    /// </summary>
    public TimeSpan MaxLag { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the queues' lag is measured (one statement each time). Default: 250 ms.</summary>
    public TimeSpan LagProbeInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long a queue may go unread before batches for it are refused with 503: a queue changes hands when a silo
    /// joins, leaves or dies, and the events taken meanwhile wait, stored, for the silo that takes it over (which does
    /// not count as falling behind). Past this, no silo is taking it over in the time a hand-over takes.
    /// Default: 10 s (a dead silo is declared dead in about 3 s; see docs/operations.md).
    /// </summary>
    public TimeSpan MaxUnread { get; set; } = TimeSpan.FromSeconds(10);
}

internal sealed class GridIngestOptionsValidator : IValidateOptions<GridIngestOptions>
{
    public ValidateOptionsResult Validate(string? name, GridIngestOptions options)
    {
        var problems = new List<string>();
        if (options.MaxLag < TimeSpan.Zero || options.MaxLag > TimeSpan.FromHours(1))
        {
            problems.Add($"{GridIngestOptions.SectionName}:MaxLag must be between 00:00:00 (off) and 01:00:00.");
        }

        if (options.LagProbeInterval < TimeSpan.FromMilliseconds(10) || options.LagProbeInterval > TimeSpan.FromMinutes(1))
        {
            problems.Add($"{GridIngestOptions.SectionName}:LagProbeInterval must be between 00:00:00.010 and 00:01:00.");
        }

        if (options.MaxLag > TimeSpan.Zero && options.LagProbeInterval >= options.MaxLag / 2)
        {
            problems.Add($"{GridIngestOptions.SectionName}:LagProbeInterval ({options.LagProbeInterval}) must be shorter than half of MaxLag ({options.MaxLag}).");
        }

        if (options.MaxUnread < options.LagProbeInterval * 2 || options.MaxUnread > TimeSpan.FromHours(1))
        {
            problems.Add($"{GridIngestOptions.SectionName}:MaxUnread ({options.MaxUnread}) must be between twice LagProbeInterval ({options.LagProbeInterval * 2}) and 01:00:00.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
