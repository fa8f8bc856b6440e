using Orleans.Configuration;

namespace Grid.Silo.Hosting;

/// <summary>
/// How Grid's silos notice a dead member and spread grains over the members they have. Both are Orleans' own
/// settings with Grid's defaults; an operator overrides them under <c>Grid:Membership</c> (ClusterMembershipOptions)
/// and turns on and tunes Orleans' activation rebalancer under <c>Grid:Rebalancer</c> (<c>Enabled</c>, then
/// ActivationRebalancerOptions). The trade-offs are in docs/operations.md.
/// </summary>
internal static class ClusterTuningExtensions
{
    /// <summary>
    /// How often a silo probes the others, and how long it waits for an answer: a silo that stops answering is
    /// suspected after <see cref="MissedProbes"/> probes and declared dead in about 3 s (Orleans' defaults, 5 s and 3,
    /// take 15 s and more), which is how long requests to its grains are held (see Grid:Resilience).
    /// </summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    public const int MissedProbes = 3;

    /// <summary>With <c>Grid:Rebalancer:Enabled</c>, a silo that joins starts taking over activations after this, rather than Orleans' 1 minute.</summary>
    public static readonly TimeSpan RebalancerDueTime = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan RebalancerCyclePeriod = TimeSpan.FromSeconds(5);

    public static ISiloBuilder AddGridClusterTuning(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.Services.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = ProbeTimeout;
            o.NumMissedProbesLimit = MissedProbes;
        });
        silo.Services.Configure<ClusterMembershipOptions>(configuration.GetSection("Grid:Membership"));

        // Off unless asked for: in Grid's elasticity runs it left grains unanswering for many seconds when a silo it
        // was moving grains to left the cluster (Orleans marks it experimental).
        if (configuration.GetValue<bool>("Grid:Rebalancer:Enabled"))
        {
#pragma warning disable ORLEANSEXP002 // The activation rebalancer is marked experimental in Orleans 10.
            silo.AddActivationRebalancer();
#pragma warning restore ORLEANSEXP002
            silo.Services.Configure<ActivationRebalancerOptions>(o =>
            {
                o.RebalancerDueTime = RebalancerDueTime;
                o.SessionCyclePeriod = RebalancerCyclePeriod;
            });
            silo.Services.Configure<ActivationRebalancerOptions>(configuration.GetSection("Grid:Rebalancer"));
        }

        return silo;
    }
}
