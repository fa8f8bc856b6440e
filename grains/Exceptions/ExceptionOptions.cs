using Microsoft.Extensions.Options;

namespace Grid.Exceptions;

/// <summary>Exception queue settings, bound from <c>Grid:Exceptions</c> and validated at start-up.</summary>
public sealed class ExceptionOptions
{
    public const string SectionName = "Grid:Exceptions";

    /// <summary>
    /// How many partition grains hold the queue; an exception's kind and subject pick one. Changing it sends new
    /// exceptions to other partitions while the old ones stay where they are: every silo must agree on it. Default: 16.
    /// </summary>
    public int Partitions { get; set; } = 16;

    /// <summary>How many resolved exceptions each partition keeps for the list (the longest resolved go first). Default: 64.</summary>
    public int ResolvedPerPartition { get; set; } = 64;
}

/// <summary>Checks <see cref="ExceptionOptions"/>, each failure naming its key.</summary>
internal sealed class ExceptionOptionsValidator : IValidateOptions<ExceptionOptions>
{
    private const string Section = ExceptionOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, ExceptionOptions options)
    {
        var problems = new List<string>();
        if (options.Partitions is < 1 or > 1024)
        {
            problems.Add($"{Section}:Partitions must be between 1 and 1024, not {options.Partitions}.");
        }

        if (options.ResolvedPerPartition is < 1 or > 100_000)
        {
            problems.Add($"{Section}:ResolvedPerPartition must be between 1 and 100000, not {options.ResolvedPerPartition}.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
