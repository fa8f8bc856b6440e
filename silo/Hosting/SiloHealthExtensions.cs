using Grid.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Grid.Silo.Hosting;

/// <summary>A silo's own readiness: ready only while the cluster's membership counts this silo as active.</summary>
public static class SiloHealthExtensions
{
    /// <summary>A silo's own membership: ready only while the cluster counts this silo as active.</summary>
    public static IServiceCollection AddGridSiloMembershipHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<SiloMembershipHealthCheck>("membership", tags: [HealthExtensions.ReadyTag], timeout: HealthExtensions.CheckTimeout);
        return services;
    }

    internal sealed class SiloMembershipHealthCheck(IClusterMembershipService membership, ILocalSiloDetails silo) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var snapshot = membership.CurrentSnapshot;
            var status = snapshot.GetSiloStatus(silo.SiloAddress);
            var active = snapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
            return Task.FromResult(status == SiloStatus.Active
                ? HealthCheckResult.Healthy($"this silo ({silo.SiloAddress}) is active, one of {active}; membership version {snapshot.Version}")
                : HealthCheckResult.Unhealthy($"this silo ({silo.SiloAddress}) is {status} in the cluster's membership"));
        }
    }
}
