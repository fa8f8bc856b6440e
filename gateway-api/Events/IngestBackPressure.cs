using Grid.Streams;
using Microsoft.Extensions.Options;

namespace Grid.Gateway.Events;

/// <summary>Why a batch was refused: the lag of the queue most behind among those it would join.</summary>
public readonly record struct IngestRefusal(TimeSpan Lag, TimeSpan MaxLag)
{
    /// <summary>The lag from which batches are refused: half of <see cref="MaxLag"/> (the other half is for what was already taken).</summary>
    public static TimeSpan RefuseFrom(TimeSpan maxLag) => maxLag / 2;

    /// <summary>Seconds until the backlog above the refusal point has had time to drain: at least 1, at most 30.</summary>
    public int RetryAfterSeconds => Math.Clamp((int)Math.Ceiling((Lag - RefuseFrom(MaxLag)).TotalSeconds), 1, 30);
}

/// <summary>
/// Decides whether the event endpoints take a batch: not while a queue it would join holds an event that has waited
/// half of <see cref="GridIngestOptions.MaxLag"/>, so that what is taken is applied within about <c>MaxLag</c> and a WMS
/// in a peak is slowed down instead of being told 202 for movements that reach ATP seconds later. (An event taken now
/// waits behind everything already queued, about as long as the oldest of them has waited, and accepted batches keep
/// arriving until the next measurement: half the bound is the headroom for both.) Reads the figures <see cref="IngestLagProbe"/> keeps fresh, so a request
/// costs no I/O. Only durable queues are watched: dev mode's in-memory queues never refuse.
/// </summary>
public sealed class IngestBackPressure
{
    private readonly TimeSpan _maxLag;
    private readonly TimeSpan _staleAfter;
    private readonly TimeProvider _clock;
    private volatile bool _probeFailing;

    public IngestBackPressure(IServiceProvider services, IOptions<GridIngestOptions> options, TimeProvider clock)
    {
        _maxLag = options.Value.MaxLag;
        _staleAfter = Max(TimeSpan.FromSeconds(5), options.Value.LagProbeInterval * 10);
        _clock = clock;
        Lag = _maxLag > TimeSpan.Zero ? services.GetKeyedService<IStreamQueueLag>(GridStreams.ProviderName) : null;
    }

    /// <summary>The lag figures watched, or null when back-pressure is off or the queues are in memory.</summary>
    internal IStreamQueueLag? Lag { get; }

    /// <summary>
    /// Null when the batch may be taken; else the refusal. Figures the probe could not renew (it cannot reach the
    /// database) or too old to trust refuse nothing: the enqueue itself then answers for the outage, with 503.
    /// </summary>
    public IngestRefusal? Check(IEnumerable<StreamId> streams)
    {
        if (_probeFailing || Lag is not { MeasuredAt: { } measuredAt } lag || _clock.GetUtcNow() - measuredAt > _staleAfter)
        {
            return null;
        }

        var worst = TimeSpan.Zero;
        foreach (var stream in streams)
        {
            worst = Max(worst, lag.LagOf(stream));
        }

        return worst > IngestRefusal.RefuseFrom(_maxLag) ? new IngestRefusal(worst, _maxLag) : null;
    }

    /// <summary>The probe's last measurement failed (true) or succeeded (false).</summary>
    internal void ProbeFailing(bool failing) => _probeFailing = failing;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
