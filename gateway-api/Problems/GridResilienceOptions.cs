using Microsoft.Extensions.Options;

namespace Grid.Gateway.Problems;

/// <summary>How the API rides out changes of the cluster (<c>Grid:Resilience</c>).</summary>
public sealed class GridResilienceOptions
{
    public const string SectionName = "Grid:Resilience";

    /// <summary>
    /// How long a request whose grain call was refused because the cluster is changing (a silo leaving, restarting or
    /// just died) is run again before the client gets 503. About the time the cluster takes to declare a dead silo
    /// dead (see <c>Grid:Membership</c>), so that a silo lost under load costs clients latency rather than errors.
    /// <c>00:00:00</c> answers 503 at once. Default: 5 s.
    /// </summary>
    public TimeSpan RetryClusterChangesFor { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the gateway process waits for a grain call's answer (Orleans' <c>ResponseTimeout</c>, 30 s by default).
    /// A call sent to a silo that dies before answering gets no answer at all, so this bounds how long such a request
    /// hangs; a read, or a write that is idempotent by the client's id, is then run again (within
    /// <see cref="RetryClusterChangesFor"/>). Default: 5 s.
    /// </summary>
    public TimeSpan GrainCallTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

internal sealed class GridResilienceOptionsValidator : IValidateOptions<GridResilienceOptions>
{
    public ValidateOptionsResult Validate(string? name, GridResilienceOptions options)
    {
        var problems = new List<string>();
        if (options.RetryClusterChangesFor < TimeSpan.Zero || options.RetryClusterChangesFor > TimeSpan.FromMinutes(1))
        {
            problems.Add($"{GridResilienceOptions.SectionName}:RetryClusterChangesFor must be between 00:00:00 (off) and 00:01:00.");
        }

        if (options.GrainCallTimeout < TimeSpan.FromSeconds(1) || options.GrainCallTimeout > TimeSpan.FromMinutes(5))
        {
            problems.Add($"{GridResilienceOptions.SectionName}:GrainCallTimeout must be between 00:00:01 and 00:05:00.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
