namespace Grid.LoadTests.Running;

/// <summary>
/// How load is applied. Closed loop (<see cref="Rate"/> null): <see cref="Clients"/> workers, each sending its next
/// request when the previous one answered. Open loop: requests at fixed intervals of 1/<see cref="Rate"/>, latency
/// measured from the intended send time, at most <see cref="MaxOutstanding"/> in flight.
/// </summary>
internal sealed record LoadProfile(
    TimeSpan Warmup,
    TimeSpan Duration,
    int Clients,
    double? Rate,
    int MaxOutstanding,
    TimeSpan RequestTimeout)
{
    public bool IsOpenLoop => Rate is not null;

    public string Mode => IsOpenLoop ? "open" : "closed";

    /// <summary>The latest a run may still be working: warmup, duration, one request timeout and some slack.</summary>
    public TimeSpan HardStop => Warmup + Duration + RequestTimeout + TimeSpan.FromSeconds(5);
}
