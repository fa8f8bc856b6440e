using Microsoft.Extensions.Options;

namespace Grid.Hosting;

/// <summary>
/// The event streams (<c>Grid:Streams</c>). Silos and separate gateways must agree on <see cref="QueueCount"/>: it
/// decides which queue a stream's events go to.
/// </summary>
public sealed class GridStreamOptions
{
    public const string SectionName = "Grid:Streams";

    /// <summary>Queues the streams are spread over; the silos share them out. Default: 8.</summary>
    public int QueueCount { get; set; } = 8;

    /// <summary>
    /// How often a silo looks at each queue it holds. In Postgres mode a look queries PostgreSQL only when a notification
    /// says events were queued there (or once a second), so this bounds how long an event waits to be read without
    /// costing queries. Default: 10 ms.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>How long a consumer that keeps failing is retried before its message goes to the dead letters. Default: 1 minute.</summary>
    public TimeSpan MaxDeliveryTime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Delivery sessions (silo crashes or queue hand-overs with the message in flight) before a message goes to the dead letters. Default: 10.</summary>
    public int MaxDeliveryAttempts { get; set; } = 10;

}

/// <summary>Checks <see cref="GridStreamOptions"/>, each failure naming its key.</summary>
public sealed class GridStreamOptionsValidator : IValidateOptions<GridStreamOptions>
{
    private const string SectionName = GridStreamOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, GridStreamOptions options)
    {
        var problems = new List<string>();
        if (options.QueueCount is < 1 or > 1024)
        {
            problems.Add($"{SectionName}:QueueCount must be between 1 and 1024 (it is {options.QueueCount}).");
        }

        if (options.PollInterval < TimeSpan.FromMilliseconds(5) || options.PollInterval > TimeSpan.FromMinutes(1))
        {
            problems.Add($"{SectionName}:PollInterval must be between 00:00:00.005 and 00:01:00 (it is {options.PollInterval}).");
        }

        if (options.MaxDeliveryTime < TimeSpan.FromSeconds(1))
        {
            problems.Add($"{SectionName}:MaxDeliveryTime must be at least 00:00:01 (it is {options.MaxDeliveryTime}).");
        }

        if (options.MaxDeliveryAttempts is < 1 or > 1000)
        {
            problems.Add($"{SectionName}:MaxDeliveryAttempts must be between 1 and 1000 (it is {options.MaxDeliveryAttempts}).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
