using Grid.Inventory;
using Grid.Orders;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Grid.Hosting;

public static class GridGrainsExtensions
{
    /// <summary>
    /// What Grid's grains need from the silo's services: their options (validated at start-up) and a clock.
    /// Storage and reminder providers belong to the host, which picks them for its mode.
    /// </summary>
    public static IServiceCollection AddGridGrains(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<InventoryOptions>()
            .Bind(configuration.GetSection(InventoryOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<InventoryOptions>, InventoryOptionsValidator>();
        services.AddOptions<OrderOptions>()
            .Bind(configuration.GetSection(OrderOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return services;
    }
}

internal sealed class InventoryOptionsValidator : IValidateOptions<InventoryOptions>
{
    public ValidateOptionsResult Validate(string? name, InventoryOptions options)
        => options.DefaultReservationTtl > options.MaxReservationTtl
            ? ValidateOptionsResult.Fail($"{InventoryOptions.SectionName}:DefaultReservationTtl ({options.DefaultReservationTtl}) must not exceed {InventoryOptions.SectionName}:MaxReservationTtl ({options.MaxReservationTtl}).")
            : ValidateOptionsResult.Success;
}
