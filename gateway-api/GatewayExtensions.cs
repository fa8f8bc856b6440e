using System.Text.Json;
using System.Text.Json.Serialization;
using Grid.Gateway.Apis;
using Grid.Gateway.Ops;
using Grid.Gateway.Events;
using Grid.Gateway.Feed;
using Grid.Gateway.Imports;
using Grid.Gateway.OpenApi;
using Grid.Gateway.Problems;
using Grid.Gateway.Security;
using Grid.Inventory;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Grid.Gateway;

public static class GatewayExtensions
{
    /// <summary>The API's services: JSON conventions, Problem Details for every error, the OpenAPI document, event ingest.</summary>
    public static IServiceCollection AddGridApi(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
            options.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;

            // Quantities are JSON integers: "5" is a string and is refused, not read as a number.
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        // Body-binding failures throw, so that GridExceptionHandler can name the offending field.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddProblemDetails();
        services.AddExceptionHandler<GridExceptionHandler>();
        services.AddGridOpenApi();
        services.AddSingleton<InventoryEventQueue>();
        services.AddSingleton<OrderEventQueue>();
        services.AddOptions<GridIngestOptions>().BindConfiguration(GridIngestOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GridIngestOptions>, GridIngestOptionsValidator>();
        services.AddSingleton<IngestBackPressure>();
        services.AddOptions<GridImportOptions>().BindConfiguration(GridImportOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GridImportOptions>, GridImportOptionsValidator>();
        services.AddOptions<GridResilienceOptions>().BindConfiguration(GridResilienceOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GridResilienceOptions>, GridResilienceOptionsValidator>();
        services.AddSingleton<ClusterChangeRetry>();
        services.AddHostedService<IngestLagProbe>();
        services.TryAddSingleton<IAvailabilityFeed, NoAvailabilityFeed>();
        services.TryAddSingleton<ILocalAvailability, NoLocalAvailability>();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>Maps <c>/api/v1</c>, the OpenAPI document at <c>/openapi/v1.json</c> and, in dev mode, the API reference at <c>/scalar</c>; the ops console at <c>/ops/</c>.</summary>
    public static WebApplication MapGridApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        // Every endpoint under /api/v1 counts against its client's rate limit, and must name its roles (RequireGridRole);
        // a request whose grain call was refused while the cluster changes is run again before any 503.
        var api = app.MapGroup("/api/v1").RequireRateLimiting(GridRateLimits.PolicyName);
        api.AddEndpointFilter(app.Services.GetRequiredService<ClusterChangeRetry>());
        api.MapAvailabilityApi()
            .MapAvailabilityFeedApi()
            .MapReservationsApi()
            .MapInventoryApi()
            .MapWarehouseEventsApi()
            .MapSupplierEventsApi()
            .MapStreamOperationsApi()
            .MapClusterOperationsApi()
            .MapOrdersApi()
            .MapErpApi()
            .MapAllocationsApi()
            .MapPreordersApi()
            .MapLocationsApi()
            .MapShipmentsApi()
            .MapExceptionsApi()
            .MapKpisApi()
            .MapOutboundOperationsApi()
            .MapSubscriptionsApi()
            .MapReconciliationApi()
            .MapImportsApi();

        app.MapGridOpenApi();
        app.MapGridConsole();
        return app;
    }
}
