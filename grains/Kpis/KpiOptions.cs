using Microsoft.Extensions.Options;

namespace Grid.Kpis;

/// <summary>KPI settings, bound from <c>Grid:Kpis</c> and validated at start-up.</summary>
public sealed class KpiOptions
{
    public const string SectionName = "Grid:Kpis";

    /// <summary>
    /// The outbound target that is the ERP: its acknowledgements of <c>grid.order.shipped.v1</c> measure shipment
    /// propagation. Default: <c>erp</c>.
    /// </summary>
    public string ErpTarget { get; set; } = "erp";
}

/// <summary>Checks <see cref="KpiOptions"/>, each failure naming its key.</summary>
internal sealed class KpiOptionsValidator : IValidateOptions<KpiOptions>
{
    public ValidateOptionsResult Validate(string? name, KpiOptions options)
        => string.IsNullOrWhiteSpace(options.ErpTarget)
            ? ValidateOptionsResult.Fail($"{KpiOptions.SectionName}:ErpTarget must name an outbound target.")
            : ValidateOptionsResult.Success;
}
