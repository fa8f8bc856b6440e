using Grid.Streams;
using Microsoft.Extensions.Options;

namespace Grid.Gateway.Events;

/// <summary>
/// Why a batch was refused: the lag of the queue most behind among those it would join, or, when
/// <paramref name="Unread"/> is set, how long one of them has gone unread (past <c>Grid:Ingest:MaxUnread</c>).
/// </summary>
public readonly record struct IngestRefusal(TimeSpan Lag, TimeSpan MaxLag, TimeSpan Unread = default)
{
    /// <summary>Seconds a client waits before sending a batch again while a queue is unread: a hand-over's next step.</summary>
    public const int UnreadRetryAfterSeconds = 2;

    /// <summary>Refused because no silo reads a queue the batch would join (503), not because Grid is behind (429).</summary>
    public bool QueueUnread => Unread > TimeSpan.Zero;

    /// <summary>The lag from which every batch is refused: three eighths of <see cref="MaxLag"/> (the rest is for what was already taken).</summary>
    public static TimeSpan RefuseFrom(TimeSpan maxLag) => maxLag * 3 / 8;

    /// <summary>
    /// The lag from which a share of the batches is refused, growing from none here to all at <see cref="RefuseFrom"/>:
    /// an eighth of <see cref="MaxLag"/>.
    /// </summary>
    public static TimeSpan ThinFrom(TimeSpan maxLag) => maxLag / 8;

    /// <summary>The share of batches refused at <paramref name="lag"/>: 0 up to <see cref="ThinFrom"/>, 1 from <see cref="RefuseFrom"/>.</summary>
    public static double ShareRefused(TimeSpan lag, TimeSpan maxLag)
        => Math.Clamp((lag - ThinFrom(maxLag)) / (RefuseFrom(maxLag) - ThinFrom(maxLag)), 0, 1);

    /// <summary>
    /// Seconds until the backlog above the refusal point has had time to drain (at least 1, at most 30), or
    /// <see cref="UnreadRetryAfterSeconds"/> while a queue is unread.
    /// </summary>
    public int RetryAfterSeconds => QueueUnread
        ? UnreadRetryAfterSeconds
        : Math.Clamp((int)Math.Ceiling((Lag - RefuseFrom(MaxLag)).TotalSeconds), 1, 30);
}

/// <summary>
/// Decides whether the event endpoints take a batch: not while a queue it would join holds an event that has waited
/// three eighths of <see cref="GridIngestOptions.MaxLag"/>, so that what is taken is applied within <c>MaxLag</c> and a
/// WMS in a peak is slowed down instead of being told 202 for movements that reach ATP seconds later. (An event taken
/// now waits behind everything already queued, about as long as the oldest of them has waited, plus its delivery and
/// the age of the last measurement: under overload the slowest events wait about twice as long as the queues settle
/// at, so the refusals end well below the bound.) Reads the figures
/// <see cref="IngestLagProbe"/> keeps fresh, so a request costs no I/O. Only durable queues are watched: dev mode's
/// in-memory queues never refuse.
/// </summary>
/// <remarks>
/// <para>
/// Refusing every batch at once from one point on makes every WMS client back off together: the queues drain, the
/// silos idle through the <c>Retry-After</c>, and all come back at once. From an eighth of <c>MaxLag</c> a share of
/// the batches is refused instead, growing with the lag (<see cref="IngestRefusal.ShareRefused"/>), so the clients
/// refused wait while the others keep the grid busy, and the lag settles in between.
/// </para>
/// <para>
/// The lag counts only time in which the queue was being read (<see cref="QueueLag.Behind"/>). A queue that changes
/// hands, because a silo joins, leaves or dies, goes unread for a moment: refusing then would slow nothing down, so
/// its batches are taken and wait, stored, for the silo that takes the queue over. A queue unread for longer than
/// <see cref="GridIngestOptions.MaxUnread"/> is not being taken over: its batches are refused with 503.
/// </para>
/// </remarks>
public sealed class IngestBackPressure
{
    private readonly TimeSpan _maxLag;
    private readonly TimeSpan _maxUnread;
    private readonly TimeSpan _staleAfter;
    private readonly TimeProvider _clock;
    private readonly RefusalShare _share = new();
    private volatile bool _probeFailing;

    public IngestBackPressure(IServiceProvider services, IOptions<GridIngestOptions> options, TimeProvider clock)
    {
        _maxLag = options.Value.MaxLag;
        _maxUnread = options.Value.MaxUnread;
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
        var unread = TimeSpan.Zero;
        foreach (var stream in streams)
        {
            var queue = lag.LagOf(stream);
            worst = Max(worst, queue.Behind);
            unread = Max(unread, queue.Unread);
        }

        if (unread > _maxUnread)
        {
            return new IngestRefusal(worst, _maxLag, unread);
        }

        if (worst <= IngestRefusal.ThinFrom(_maxLag))
        {
            _share.Clear();
            return null;
        }

        return _share.Refuses(IngestRefusal.ShareRefused(worst, _maxLag)) ? new IngestRefusal(worst, _maxLag) : null;
    }

    /// <summary>The probe's last measurement failed (true) or succeeded (false).</summary>
    internal void ProbeFailing(bool failing) => _probeFailing = failing;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
