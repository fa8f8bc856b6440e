using Orleans.TestingHost;

namespace Grid.Tests;

/// <summary>
/// The way tests build an in-process Orleans cluster: an <see cref="InProcessTestClusterBuilder"/> whose silos are
/// configured by a lambda, so that a fixture passes what it owns (a fake clock, a shared store) straight in.
/// </summary>
/// <remarks>
/// The one exception is <c>PostgresCluster</c>: its silos must meet in PostgreSQL's membership table, as in production,
/// and <see cref="InProcessTestCluster"/> always uses its in-memory membership (Orleans 10.4.2 keeps
/// <c>InProcessTestClusterOptions.UseTestClusterMembership</c> internal), so it stays on <see cref="TestClusterBuilder"/>.
/// </remarks>
internal static class TestClusters
{
    /// <summary>Deploys <paramref name="silos"/> silos configured by <paramref name="silo"/>, and a client.</summary>
    public static async Task<InProcessTestCluster> StartAsync(short silos, Action<ISiloBuilder> silo)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.ConfigureSilo((_, siloBuilder) => silo(siloBuilder));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
