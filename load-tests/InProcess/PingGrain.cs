namespace Grid.LoadTests.InProcess;

/// <summary>
/// The bare grain call of <c>grain-calls</c>: no state, no work, an integer back. What the ATP calls cost beyond it is
/// what Grid adds to Orleans' own messaging.
/// </summary>
[Alias("grid.loadtests.IPingGrain")]
public interface IPingGrain : IGrainWithIntegerKey
{
    [Alias("Ping")]
    Task<int> Ping(int value);
}

/// <summary>Reentrant like the SKU grain, so that callers of one grain never queue behind each other.</summary>
[Orleans.Concurrency.Reentrant]
public sealed class PingGrain : Grain, IPingGrain
{
    public Task<int> Ping(int value) => Task.FromResult(value);
}
