using Orleans.Runtime.Providers;

namespace Grid.Silo.Hosting;

/// <summary>
/// How long a queue's pulling agent waits before it delivers an event batch again after a delivery failed: 100 ms,
/// doubling, at most 1 s. A delivery fails mostly while the cluster changes (the partition grain's silo left or died
/// and is not yet known dead); Orleans' default (1 s plus 1 s × 2^attempt, up to 1 min) turned the 3 s it takes to
/// declare a killed silo dead into 5 s and more of apply lag.
/// </summary>
internal sealed class StreamDeliveryBackoff : IMessageDeliveryBackoffProvider
{
    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Longest = TimeSpan.FromSeconds(1);

    public TimeSpan Next(int attempt)
    {
        var delay = First * Math.Pow(2, Math.Clamp(attempt, 0, 10));
        return delay < Longest ? delay : Longest;
    }
}
