using System.Collections.Immutable;
using Grid.Domain.Kpis;
using Grid.Domain.Outbound;
using Grid.Infrastructure;
using Grid.Inventory;
using Grid.Kpis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Grid.Outbound;

/// <summary>
/// Delivers availability changes to one target (key: the target's name) straight from the availability feed: it reads
/// the feed after its cursor, sends each SKU-location's latest change in batches within the target's rate limit and
/// concurrency, and moves its cursor once they are answered (the rules live in <see cref="FeedDelivery"/>). A
/// SKU-location's change thus costs it nothing beyond its own state write; the feed it is read from is written in the
/// same statement.
/// </summary>
/// <remarks>
/// Started with the silo and kept alive by a reminder; it waits on the feed while there is nothing to send. Reentrant
/// so that ops calls are answered while requests are out: every decision runs to completion between awaits.
/// </remarks>
[Reentrant]
public sealed partial class AvailabilityPublisherGrain : Grain, IAvailabilityPublisherGrain, IRemindable, IDisposable
{
    private const string ReminderName = "availability-publisher";

    /// <summary>How long a round waits on the feed before it looks again (a fake clock in tests, a lost wake-up).</summary>
    private static readonly TimeSpan FeedWait = TimeSpan.FromSeconds(5);

    private readonly IPersistentState<FeedDelivery> _store;
    private readonly IAvailabilityFeed _feed;
    private readonly OutboundRouter _router;
    private readonly WebhookSender _sender;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _staleAfter;
    private readonly ILogger<AvailabilityPublisherGrain> _logger;
    private readonly GroupCommit _commits;
    private readonly CancellationTokenSource _deactivating = new();

    private string _target = "";
    private string _epoch = "";
    private OutboundTargetOptions? _options;
    private RetryPolicy _policy = null!;
    private TokenBucket _bucket = null!;
    private IGrainTimer? _timer;
    private readonly RoundPump _pump;
    private bool _waiting;

    /// <summary>A round found less than a full request and waits out <see cref="OutboundOptions.BatchLinger"/> before it sends.</summary>
    private bool _lingering;
    private long _inFlight;
    private DateTimeOffset? _oldestWaiting;

    public AvailabilityPublisherGrain(
        [PersistentState("availability-publisher", StorageNames.Grid)] IPersistentState<FeedDelivery> store,
        IAvailabilityFeed feed,
        OutboundRouter router,
        WebhookSender sender,
        TimeProvider clock,
        IOptions<InventoryOptions> inventory,
        ILogger<AvailabilityPublisherGrain> logger)
    {
        _store = store;
        _feed = feed;
        _router = router;
        _sender = sender;
        _clock = clock;
        _staleAfter = inventory.Value.StaleAfter;
        _logger = logger;
        _commits = new GroupCommit(() => _discarded ? Task.CompletedTask : _store.WriteStateAsync());
        _pump = new RoundPump(DeliverRoundAsync);
    }

    private FeedDelivery Delivery => _store.State;

    private DateTimeOffset Now => _clock.GetUtcNow();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _target = this.GetPrimaryKeyString();
        _options = await TargetTakingAvailabilityAsync();
        if (_options is null)
        {
            return;
        }

        // Nothing calls it while it waits on the feed: it stays until the silo stops (the reminder brings it back).
        DelayDeactivation(TimeSpan.FromDays(365));

        TakeOptions(_options);
        _epoch = (await _feed.BoundsAsync(cancellationToken)).Epoch;
        Delivery.Follow(_epoch, _router.Route(_target)!.FeedStartIn(_epoch));
        _timer = this.RegisterGrainTimer(
            static (grain, _) => grain.PumpAsync(),
            this,
            new GrainTimerCreationOptions { DueTime = Timeout.InfiniteTimeSpan, Period = Timeout.InfiniteTimeSpan, Interleave = true });
        await this.RegisterOrUpdateReminder(ReminderName, _router.Options.ReminderPeriod, _router.Options.ReminderPeriod, cancellationToken);
        Kick();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _deactivating.Cancel();
        return Task.CompletedTask;
    }

    public void Dispose() => _deactivating.Dispose();

    public Task<PublisherStatus> GetStatus() => StatusAsync();

    public Task<ImmutableArray<OutboundDeadLetterView>> GetDeadLetters(int limit, bool includeData)
        => Task.FromResult(Delivery.DeadLetters.AsEnumerable().Reverse().Take(limit).Select(d => ToView(d, includeData)).ToImmutableArray());

    public async Task<int> ReplayDeadLetters(ImmutableArray<string>? ids)
    {
        if (_options is null)
        {
            return 0;
        }

        var taken = Delivery.TakeDeadLetters(ids is { } list ? list.ToHashSet(StringComparer.Ordinal) : null);
        if (taken.Count == 0)
        {
            return 0;
        }

        // Sent again now, each as it was; those refused again go back to the dead letters.
        var replayed = 0;
        foreach (var request in taken.Chunk(Math.Max(1, _options.BatchSize)))
        {
            var result = await SendAsync([.. request.Select(d => d.Queued)]);
            if (result.Verdict == DeliveryVerdict.Delivered)
            {
                replayed += request.Length;
            }
            else
            {
                Delivery.DeadLetters.AddRange(request);
            }
        }

        Delivery.Replayed(replayed, Now);
        await DurableAsync();
        LogReplayed(_target, replayed);
        if (Delivery.DeadLetters.Count == 0)
        {
            await ClearDeadLettersAsync();
        }

        return replayed;
    }

    public async Task SetPaused(bool paused)
    {
        if (Delivery.Paused == paused)
        {
            return;
        }

        Delivery.SetPaused(paused);
        await DurableAsync();
        LogPaused(_target, paused);
        Kick();
    }

    public Task Wake()
    {
        Kick();
        return Task.CompletedTask;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // Its only work is to bring the publisher back after a restart or a deactivation: activation starts it.
        Kick();
        return Task.CompletedTask;
    }

    private void Kick() => _ = PumpAsync();

    private async Task PumpAsync()
    {
        if (_options is null)
        {
            return;
        }

        try
        {
            if (!await _pump.RunAsync())
            {
                return;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_deactivating.IsCancellationRequested)
        {
            // The feed could not be read or the cursor not written: tried again after a pause, from what is stored.
            LogPumpFailed(ex, _target);
            _timer?.Change(FeedWait, Timeout.InfiniteTimeSpan);
            return;
        }

        ScheduleNext();
    }

    /// <summary>Delivers the next page of the feed, within the rate limit and concurrency; false when nothing was sent.</summary>
    private async Task<bool> DeliverRoundAsync()
    {
        var now = Now;
        if (!Delivery.Due(now))
        {
            return false;
        }

        var requests = Math.Min(Math.Max(1, _options!.MaxConcurrentRequests), _bucket.Available(now));
        if (requests == 0)
        {
            return false;
        }

        var page = await _feed.ReadAsync(Delivery.Position, FeedFilter.All, requests * _options.BatchSize, _deactivating.Token);
        if (page.Entries.Count == 0)
        {
            // Nothing after the cursor up to the horizon: the cursor moves there (stored with the next delivery).
            Delivery.Skip(page.Next);
            _oldestWaiting = null;
            return false;
        }

        now = Now;
        _oldestWaiting = page.Entries[0].Snapshot.AsOf ?? now;
        if (!_lingering && page.Entries.Count < _options.BatchSize && _router.Options.BatchLinger > TimeSpan.Zero)
        {
            // Less than one full request: more changes may join it if it waits a little (once; then it sends what there is).
            _lingering = true;
            return false;
        }

        _lingering = false;
        var chunks = page.Entries.Chunk(_options.BatchSize).ToList();
        _bucket.Take(chunks.Count, now);
        var events = chunks.Select(c => (IReadOnlyList<QueuedEvent>)[.. c.Select(e => AvailabilityEvents.From(_epoch, e.Position, e.Snapshot, now, _staleAfter))]).ToList();
        var answers = await Task.WhenAll(events.Select(SendAsync));
        var done = Now;
        var settled = chunks.Select((c, i) => new FeedRequest(events[i], c[^1].Position, answers[i])).ToList();
        var before = Delivery.Delivered;
        var dead = Delivery.Settle(settled, page.Next, done, _policy, Random.Shared.NextDouble());
        var acknowledged = Record(settled, done);
        await DurableAsync();
        GrainFactory.TellKpis(acknowledged);
        if (dead.Count > 0)
        {
            GridInstruments.OutboundDeadLetters.Add(dead.Count, Tag());
            foreach (var letter in dead)
            {
                LogDeadLettered(_target, letter.Queued.Event.Subject, letter.Queued.Sequence, letter.Reason);
            }

            await ReportDeadLettersAsync(dead, done);
        }

        if (Delivery.Position >= page.Next)
        {
            _oldestWaiting = null;
        }

        return Delivery.Delivered > before || dead.Count > 0;
    }

    private async Task<AttemptResult> SendAsync(IReadOnlyList<QueuedEvent> events)
    {
        _inFlight += events.Count;
        try
        {
            return _options!.BatchSize == 1 && events.Count == 1
                ? await _sender.SendAsync(_target, events[0], Now)
                : await _sender.SendBatchAsync(_target, events, Now);
        }
        finally
        {
            _inFlight -= events.Count;
        }
    }

    /// <summary>The next round: after a back-off or for a token, or when the feed passes the cursor.</summary>
    private void ScheduleNext()
    {
        if (_options is null || Delivery.Paused)
        {
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        var now = Now;
        if (Delivery.RetryAt is { } retry && retry > now)
        {
            // Time may be a test's fake clock: never sleep past the poll interval without looking again.
            var poll = _router.Options.PollInterval;
            var due = retry - now;
            _timer?.Change(due > poll ? poll : due, Timeout.InfiniteTimeSpan);
            return;
        }

        if (_bucket.UntilNext(now) is { } token && token > TimeSpan.Zero)
        {
            _timer?.Change(token, Timeout.InfiniteTimeSpan);
            return;
        }

        if (_lingering)
        {
            _timer?.Change(_router.Options.BatchLinger, Timeout.InfiniteTimeSpan);
            return;
        }

        _ = WaitForFeedAsync();
    }

    private async Task WaitForFeedAsync()
    {
        if (_waiting)
        {
            return;
        }

        _waiting = true;
        try
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(_deactivating.Token);
            wait.CancelAfter(FeedWait);
            await _feed.WaitAsync(Delivery.Position, wait.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        }
        finally
        {
            _waiting = false;
        }

        if (!_deactivating.IsCancellationRequested)
        {
            Kick();
        }
    }

    private async Task DurableAsync()
    {
        _commits.MarkChanged();
        await _commits.WhenDurable();
    }

    private async Task<PublisherStatus> StatusAsync()
    {
        long depth = 0;
        if (_options is not null)
        {
            // Changes drawn after the cursor: an upper bound on what waits (a SKU-location changed twice is sent once).
            depth = Math.Max(0, (await _feed.BoundsAsync(_deactivating.Token)).Allocated - Delivery.Position);
        }

        return new PublisherStatus(
            _target, -1, depth, depth > 0 ? _oldestWaiting : null, Delivery.Delivered, Delivery.FailedAttempts, Delivery.DeadLetters.Count,
            0, Delivery.Paused, Delivery.LastDeliveredAt, Delivery.LastError, [.. Delivery.RecentLags], _inFlight);
    }

    /// <summary>Counts a round's requests in the outbound metrics; answers the sync-latency KPI facts of what was delivered.</summary>
    private List<KpiFact> Record(IReadOnlyList<FeedRequest> requests, DateTimeOffset done)
    {
        var lags = new List<TimeSpan>();
        foreach (var request in requests)
        {
            if (request.Result.Verdict == DeliveryVerdict.Delivered)
            {
                GridInstruments.OutboundDelivered.Add(request.Events.Count, Tag());
                foreach (var e in request.Events)
                {
                    var lag = done - e.Event.Time;
                    GridInstruments.OutboundDeliveryLag.Record(Math.Max(0, lag.TotalSeconds), Tag());
                    lags.Add(lag);
                }
            }
            else
            {
                GridInstruments.OutboundFailedAttempts.Add(1, Tag());
            }
        }

        return [.. KpiFact.Delivered(done, _target, lags)];
    }

    private KeyValuePair<string, object?> Tag() => new("target", _target);

    private static OutboundDeadLetterView ToView(DeadLetter d, bool includeData) => new(
        d.Queued.Event.Id, d.Queued.Event.Type, d.Queued.Event.Subject, d.Queued.SequenceText, d.Queued.Event.Time, d.Queued.EnqueuedAt,
        d.DeadLetteredAt, d.Queued.Attempts, d.Queued.LastStatus, d.Reason, includeData ? d.Queued.Event.Data : null);
}
