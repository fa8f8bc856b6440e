using System.Reflection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Dashboard;

namespace Grid.Silo.Hosting;

/// <summary>
/// The Orleans dashboard samples the Orleans meter through an OpenTelemetry reader of its own, once a second, and
/// offers no setting for it (Microsoft.Orleans.Dashboard 10.4.2: <c>DashboardHost.ExportIntervalMilliseconds</c> is
/// internal, and <c>AddDashboard</c> registers its host only when none is registered yet). Two of the gauges it reads
/// walk every activation and every entry of the grain directory's cache, so at a second the sampling alone grows with
/// the grains resident. This registers the dashboard's host first, with the interval Grid is configured for.
/// </summary>
internal static class DashboardSampling
{
    private const string HostTypeName = "Orleans.Dashboard.DashboardHost";

    /// <summary>The dashboard's host type and its interval property; null when this dashboard build has neither.</summary>
    internal static (Type Host, PropertyInfo Interval)? Hook()
    {
        var host = typeof(DashboardOptions).Assembly.GetType(HostTypeName);
        var interval = host?.GetProperty("ExportIntervalMilliseconds", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public);
        return host is not null && interval?.PropertyType == typeof(int) && interval.SetMethod is not null ? (host, interval) : null;
    }

    /// <summary>
    /// Registers the dashboard's host sampling every <paramref name="interval"/>; call before <c>AddDashboard</c>. A
    /// dashboard build without the hook keeps its own interval (a test pins the one Grid ships with).
    /// </summary>
    public static IServiceCollection AddGridDashboardSampling(this IServiceCollection services, TimeSpan interval)
    {
        if (Hook() is not var (hostType, property))
        {
            return services;
        }

        services.TryAdd(ServiceDescriptor.Singleton(hostType, provider =>
        {
            var host = ActivatorUtilities.CreateInstance(provider, hostType);
            property.SetValue(host, (int)interval.TotalMilliseconds);
            return host;
        }));
        services.AddSingleton(provider => (IHostedService)provider.GetRequiredService(hostType));
        services.AddSingleton(provider => (ILifecycleParticipant<ISiloLifecycle>)provider.GetRequiredService(hostType));
        return services;
    }
}
