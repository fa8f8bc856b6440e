using Grid.Exceptions;
using Grid.Imports;
using Grid.Inventory;
using Grid.Kpis;
using Grid.Orders;
using Grid.Outbound;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Serialization;

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
        services.AddOptions<InventoryOptions>().Bind(configuration.GetSection(InventoryOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<InventoryOptions>, InventoryOptionsValidator>();
        services.AddOptions<OrderOptions>().Bind(configuration.GetSection(OrderOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OrderOptions>, OrderOptionsValidator>();
        services.AddOptions<ExceptionOptions>().Bind(configuration.GetSection(ExceptionOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ExceptionOptions>, ExceptionOptionsValidator>();
        services.AddOptions<KpiOptions>().Bind(configuration.GetSection(KpiOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<KpiOptions>, KpiOptionsValidator>();
        services.AddOptions<ImportOptions>().Bind(configuration.GetSection(ImportOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ImportOptions>, ImportOptionsValidator>();
        services.AddOptions<ReconciliationOptions>().Bind(configuration.GetSection(ReconciliationOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReconciliationOptions>, ReconciliationOptionsValidator>();
        services.AddGridOutbound(configuration);
        services.TryAddSingleton<LocationDirectoryCache>();
        services.TryAddSingleton<LocalSkuViews>();
        services.AddSingleton<ILocalAvailability>(provider => provider.GetRequiredService<LocalSkuViews>());
        services.AddSerializer(serializer => serializer.AddJsonSerializer(isSupported: GrainStateTypes.AreCarried));
        return services;
    }

    /// <summary>
    /// Outbound delivery: the targets (validated at start-up), the router and what keeps it on the subscriptions, one
    /// named HTTP client per configured target (one for all subscriptions) and the webhook sender the publisher grains use.
    /// </summary>
    public static IServiceCollection AddGridOutbound(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OutboundOptions>()
            .Bind(configuration.GetSection(OutboundOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<OutboundOptions>, OutboundOptionsValidator>();
        services.TryAddSingleton<OutboundRouter>();
        services.TryAddSingleton<WebhookSender>();
        services.AddSingleton<SubscriptionWatcher>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(s => s.GetRequiredService<SubscriptionWatcher>());
        services.AddHttpClient();

        // Retries are the publisher's (durable, per subject, across restarts); the clients only redirect nowhere.
        foreach (var client in configuration.GetSection($"{OutboundOptions.SectionName}:Targets").GetChildren()
            .Select(t => WebhookSender.HttpClientPrefix + t.Key).Append(TargetRoute.SubscriptionClient))
        {
            services.AddHttpClient(client)
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        }

        return services;
    }
}
