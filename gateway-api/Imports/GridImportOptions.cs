using Microsoft.Extensions.Options;

namespace Grid.Gateway.Imports;

/// <summary>What <c>POST /api/v1/imports</c> takes (<c>Grid:Imports</c>), validated at start-up.</summary>
public sealed class GridImportOptions
{
    public const string SectionName = "Grid:Imports";

    /// <summary>
    /// The largest import body, in bytes; a larger one is answered 413 and not started. It replaces
    /// <c>Grid:Limits:MaxRequestBodyBytes</c> for this endpoint alone. Default: 256 MiB (about 3 million stock lines).
    /// </summary>
    public long MaxBodyBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Lines stored (and later applied) together; a restart applies the chunk it was in again. Default: 1,000.</summary>
    public int ChunkLines { get; set; } = 1000;
}

internal sealed class GridImportOptionsValidator : IValidateOptions<GridImportOptions>
{
    public ValidateOptionsResult Validate(string? name, GridImportOptions options)
    {
        var problems = new List<string>();
        if (options.MaxBodyBytes is < 1024 or > 16L * 1024 * 1024 * 1024)
        {
            problems.Add($"{GridImportOptions.SectionName}:MaxBodyBytes must be between 1024 and 17179869184 (16 GiB), not {options.MaxBodyBytes}.");
        }

        if (options.ChunkLines is < 1 or > 100_000)
        {
            problems.Add($"{GridImportOptions.SectionName}:ChunkLines must be between 1 and 100000, not {options.ChunkLines}.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
