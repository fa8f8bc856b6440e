using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Grid.AppHost;

/// <summary>Says, once the gateway is healthy, where to call the local cluster and with which key.</summary>
public static partial class StartupReport
{
    public static void ReportWhenStarted(
        this IDistributedApplicationBuilder builder, IResourceBuilder<ProjectResource> gateway, LocalClusterOptions options)
        => builder.Eventing.Subscribe<ResourceReadyEvent>(gateway.Resource, (ready, _) =>
        {
            var logger = ready.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Grid.AppHost");
            var url = gateway.GetEndpoint("http").Url;
            GatewayReady(logger, options.Silos, url, options.ApiKey, options.PostgresFolder);
            return Task.CompletedTask;
        });

    [LoggerMessage(EventId = 2401, EventName = "LocalClusterReady", Level = LogLevel.Information,
        Message = "Grid local cluster ready: {Silos} silo(s); the API at {GatewayUrl} takes X-Api-Key: {ApiKey}; PostgreSQL's data is in {PostgresFolder}.")]
    private static partial void GatewayReady(ILogger logger, int silos, string gatewayUrl, string apiKey, string postgresFolder);
}
