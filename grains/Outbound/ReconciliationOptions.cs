using Microsoft.Extensions.Options;

namespace Grid.Outbound;

/// <summary>Stock reconciliation settings, bound from <c>Grid:Reconciliation</c> and validated at start-up.</summary>
public sealed class ReconciliationOptions
{
    public const string SectionName = "Grid:Reconciliation";

    /// <summary>
    /// How many shard grains split each location's snapshots: a SKU hashes to one, which reads its SKU-locations, keeps
    /// its discrepancies and publishes them. A snapshot keeps the count it was taken with; changing it applies to new
    /// snapshots. Default: 8.
    /// </summary>
    public int Shards { get; set; } = 8;
}

/// <summary>Checks <see cref="ReconciliationOptions"/>, each failure naming its key.</summary>
internal sealed class ReconciliationOptionsValidator : IValidateOptions<ReconciliationOptions>
{
    public const int MaxShards = 256;

    public ValidateOptionsResult Validate(string? name, ReconciliationOptions options)
        => options.Shards is < 1 or > MaxShards
            ? ValidateOptionsResult.Fail($"{ReconciliationOptions.SectionName}:Shards must be between 1 and {MaxShards}, not {options.Shards}.")
            : ValidateOptionsResult.Success;
}
