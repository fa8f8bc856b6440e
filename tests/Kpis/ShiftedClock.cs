namespace Grid.Tests.Kpis;

/// <summary>
/// A clock for tests whose history spans hours or days: real time shifted by an offset the test moves on. Timers and
/// timestamps stay real, so event queues, publishers and grain timers run as they do in production, while the test
/// jumps the wall clock forward instead of waiting.
/// </summary>
public sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    /// <summary>Moves the clock on to <paramref name="at"/> (never back).</summary>
    public void MoveTo(DateTimeOffset at) => Advance(TimeSpan.FromTicks(Math.Max(0, (at - GetUtcNow()).Ticks)));
}
