using System.Collections.Immutable;
using Grid.Domain.Kpis;
using Grid.Domain.Outbound;
using Grid.Infrastructure;
using Grid.Kpis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Grid.Outbound;

/// <summary>
/// The publisher of one target and partition (key <c>target/partition</c>). Source grains hand it their outbox entries;
/// it writes them to its own state before it answers, then delivers them over HTTP: a timer drains while there is work
/// (heads of subjects in parallel, each subject in sequence order, within its share of the target's rate limit and
/// concurrency), and a reminder, registered before the first event is written, keeps a publisher with a backlog alive
/// and draining after any restart. The rules live in <see cref="PublisherQueue"/>.
/// </summary>
/// <remarks>
/// Reentrant so that hand-offs gather behind a write in flight and go on while HTTP requests are out (see
/// <see cref="GroupCommit"/>): every decision on the queue runs to completion between awaits.
/// </remarks>
[Reentrant]
public sealed partial class OutboundPublisherGrain : Grain, IOutboundPublisherGrain, IOutboundHandOverGrain, IRemindable
{
    private const string ReminderName = "outbound-drain";

    private static readonly TimeSpan ReportInterval = TimeSpan.FromMilliseconds(250);

    private readonly IPersistentState<PublisherQueue> _store;
    private readonly OutboundRouter _router;
    private readonly WebhookSender _sender;
    private readonly TimeProvider _clock;
    private readonly ILogger<OutboundPublisherGrain> _logger;
    private readonly GroupCommit _commits;
    private readonly string _erpTarget;

    private string _target = "";
    private int _partition;
    private OutboundTargetOptions? _options;
    private RetryPolicy _policy = null!;
    private Retention _retention = null!;
    private TokenBucket _bucket = null!;
    private int _concurrency;
    private IGrainTimer? _timer;
    private readonly RoundPump _pump;
    private Task? _reminder;
    private long _lastReport;

    public OutboundPublisherGrain(
        [PersistentState("outbound-publisher", StorageNames.Outbound)] IPersistentState<PublisherQueue> store,
        OutboundRouter router,
        WebhookSender sender,
        TimeProvider clock,
        IOptions<KpiOptions> kpis,
        ILogger<OutboundPublisherGrain> logger)
    {
        _erpTarget = kpis.Value.ErpTarget;
        _store = store;
        _router = router;
        _sender = sender;
        _clock = clock;
        _logger = logger;
        _commits = new GroupCommit(WriteAsync);
        _pump = new RoundPump(DeliverRoundAsync);
    }

    private PublisherQueue Queue => _store.State;

    private DateTimeOffset Now => _clock.GetUtcNow();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_target, _partition) = OutboundRouter.ParseKey(this.GetPrimaryKeyString());
        await LoadTargetAsync();
        await JoinLayoutAsync();
        Queue.ResetInFlight();

        _timer = this.RegisterGrainTimer(
            static (grain, _) => grain.PumpAsync(),
            this,
            new GrainTimerCreationOptions { DueTime = Timeout.InfiniteTimeSpan, Period = Timeout.InfiniteTimeSpan, Interleave = true });
        Report();
        if (Queue.HasPending)
        {
            if (_options is null)
            {
                LogUnknownTarget(_target, Queue.Depth);
            }
            else
            {
                await EnsureReminderAsync();
                Kick();
            }
        }
    }

    public async Task<AcceptResult> Accept(ImmutableArray<OutboundEvent> events)
    {
        if (_options is null && !_discarded)
        {
            // A subscription made a moment ago, on a silo whose router has it already.
            await LoadTargetAsync();
        }

        if (_options is null)
        {
            return new AcceptResult(AcceptCode.UnknownTarget, 0, 0, 0);
        }

        var outcome = Queue.Accept(events.Select(e => e.ToDomain()), Now);
        if (outcome.Queued + outcome.Coalesced > 0)
        {
            // The reminder exists before the events are durable here, so a crash right after the write cannot strand them.
            await EnsureReminderAsync();
            _commits.MarkChanged();
            await _commits.WhenDurable();
            GridInstruments.OutboundCoalesced.Add(outcome.Coalesced, Tag());
            Report();
            Kick();
        }

        return new AcceptResult(AcceptCode.Accepted, outcome.Queued, outcome.Duplicates, outcome.Coalesced);
    }

    public Task<PublisherStatus> GetStatus() => Task.FromResult(new PublisherStatus(
        _target, _partition, Queue.Depth, Queue.OldestEnqueuedAt, Queue.DeliveredCount, Queue.FailedAttempts, Queue.DeadLetters.Count,
        Queue.CoalescedCount, Queue.Paused, Queue.LastDeliveredAt, Queue.LastError, [.. Queue.RecentLags], Queue.InFlight));

    public Task<ImmutableArray<OutboundDeadLetterView>> GetDeadLetters(int limit, bool includeData)
        => Task.FromResult(Queue.DeadLetters.AsEnumerable().Reverse().Take(limit).Select(d => ToView(d, includeData)).ToImmutableArray());

    public async Task<int> ReplayDeadLetters(ImmutableArray<string>? ids)
    {
        var replayed = Queue.Replay(ids is { } list ? list : null, Now);
        if (replayed > 0)
        {
            await EnsureReminderAsync();
            await DurableAsync();
            LogReplayed(_target, _partition, replayed);
            Kick();
            if (Queue.DeadLetters.Count == 0)
            {
                await ClearDeadLettersAsync();
            }
        }

        return replayed;
    }

    public async Task SetPaused(bool paused)
    {
        if (Queue.Paused == paused)
        {
            return;
        }

        Queue.SetPaused(paused);
        await DurableAsync();
        LogPaused(_target, _partition, paused);
        if (!paused)
        {
            Kick();
        }
    }

    public async Task<RedeliveryResult> Redeliver(string subject, long fromSequence)
    {
        var result = Queue.Redeliver(subject, fromSequence, Now, _retention ?? new Retention(0, TimeSpan.Zero)).ToContract();
        if (result.Queued > 0)
        {
            await EnsureReminderAsync();
            await DurableAsync();
            Kick();
        }

        return result;
    }

    public Task Wake()
    {
        Kick();
        return Task.CompletedTask;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (!Queue.HasPending || _options is null)
        {
            // Idle: nothing to keep alive for. The next hand-off registers it again.
            if (await this.GetReminder(ReminderName) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            _reminder = null;
            return;
        }

        Kick();
    }

    /// <summary>Straight away, on this activation (reentrant), rather than through a timer: the caller does not wait for it.</summary>
    private void Kick() => _ = PumpAsync();

    private async Task PumpAsync()
    {
        if (_options is null)
        {
            return;
        }

        try
        {
            await HandOverAsync();
            if (!await _pump.RunAsync())
            {
                return;
            }
        }
        catch (Exception ex)
        {
            // A failed write: memory is ahead of storage; the next activation starts again from what storage holds.
            LogPumpFailed(ex, _target, _partition);
            DeactivateOnIdle();
            return;
        }

        ScheduleNext();
    }

    /// <summary>Delivers what is due now, within the rate limit and concurrency; false when nothing was.</summary>
    private async Task<bool> DeliverRoundAsync()
    {
        var now = Now;
        var perRequest = _options!.BatchSize;
        var batch = Queue.TakeDue(now, Math.Min(_concurrency - Queue.InFlight, _bucket.Available(now)) * perRequest);
        if (batch.Count == 0)
        {
            return false;
        }

        // One request per event, or per batch of up to BatchSize events (heads of different subjects, so order holds).
        var requests = batch.Chunk(perRequest).ToList();
        _bucket.Take(requests.Count, now);
        var answers = await Task.WhenAll(requests.Select(r => perRequest == 1
            ? _sender.SendAsync(_target, r[0].Queued, Now)
            : _sender.SendBatchAsync(_target, [.. r.Select(d => d.Queued)], Now)));
        var results = requests.SelectMany((r, i) => r.Select(_ => answers[i])).ToArray();
        var done = Now;
        var dead = new List<(QueuedEvent Queued, string Described)>();
        var acknowledged = new List<KpiFact>();
        for (var i = 0; i < batch.Count; i++)
        {
            var queued = batch[i].Queued;
            var described = results[i].Describe();
            var verdict = Queue.Complete(batch[i], results[i], done, _policy, _retention, Random.Shared.NextDouble());
            switch (verdict)
            {
                case DeliveryVerdict.Delivered:
                    GridInstruments.OutboundDelivered.Add(1, Tag());
                    GridInstruments.OutboundDeliveryLag.Record(Math.Max(0, (done - queued.Event.Time).TotalSeconds), Tag());
                    acknowledged.AddRange(KpiFacts(queued.Event, done));
                    break;
                case DeliveryVerdict.Retry:
                    GridInstruments.OutboundFailedAttempts.Add(1, Tag());
                    LogRetry(_target, queued.Event.Type, queued.Event.Subject, queued.Sequence, described, queued.Attempts + 1);
                    break;
                default:
                    GridInstruments.OutboundFailedAttempts.Add(1, Tag());
                    GridInstruments.OutboundDeadLetters.Add(1, Tag());
                    LogDeadLettered(_target, queued.Event.Type, queued.Event.Subject, queued.Sequence, described);
                    dead.Add((queued, described));
                    break;
            }
        }

        await DurableAsync();
        GrainFactory.TellKpis(acknowledged);
        if (dead.Count > 0)
        {
            await ReportDeadLettersAsync(dead, done);
        }

        return true;
    }

    private void ScheduleNext()
    {
        if (_options is null || Queue.NextDueAt() is not { } next)
        {
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        var now = Now;
        var due = next - now;
        var token = _bucket.UntilNext(now);
        if (token > due)
        {
            due = token;
        }

        // Time may be a test's fake clock: never sleep past the poll interval without looking again.
        var poll = _router.Options.PollInterval;
        due = due < TimeSpan.Zero ? TimeSpan.Zero : due > poll ? poll : due;
        _timer?.Change(due, Timeout.InfiniteTimeSpan);
    }

    private Task EnsureReminderAsync()
    {
        if (_reminder is null || _reminder.IsFaulted)
        {
            var period = _router.Options.ReminderPeriod;
            _reminder = this.RegisterOrUpdateReminder(ReminderName, period, period);
        }

        return _reminder;
    }

    private async Task DurableAsync()
    {
        _commits.MarkChanged();
        await _commits.WhenDurable();
        Report();
    }

    private async Task WriteAsync()
    {
        if (_discarded)
        {
            return;
        }

        try
        {
            await _store.WriteStateAsync();
        }
        catch (Exception ex)
        {
            LogWriteFailed(ex, _target, _partition);
            DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>
    /// Updates the outbox gauges, at most every <see cref="ReportInterval"/> (finding the oldest waiting event looks at
    /// every subject with events waiting, too much to do for every event under load) and whenever the queue empties.
    /// </summary>
    private void Report()
    {
        var now = _clock.GetTimestamp();
        if (Queue.HasPending && _clock.GetElapsedTime(_lastReport, now) < ReportInterval)
        {
            return;
        }

        _lastReport = now;
        GridInstruments.ReportOutbox(_target, _partition, Queue.Depth, Queue.OldestEnqueuedAt, Queue.DeadLetters.Count);
    }

    private KeyValuePair<string, object?> Tag() => new("target", _target);

    /// <summary>An acknowledged event as KPI facts: sync latency to this target, and shipment propagation when it is the ERP's shipment event.</summary>
    private IEnumerable<KpiFact> KpiFacts(OutgoingEvent e, DateTimeOffset acknowledgedAt)
    {
        yield return KpiFact.Delivered(acknowledgedAt, _target, acknowledgedAt - e.Time);
        if (e.Type == OutboundEventTypes.OrderShipped.Type && string.Equals(_target, _erpTarget, StringComparison.Ordinal))
        {
            yield return KpiFact.ShipmentPropagated(acknowledgedAt, acknowledgedAt - e.Time);
        }
    }

    private static OutboundDeadLetterView ToView(DeadLetter d, bool includeData) => new(
        d.Queued.Event.Id, d.Queued.Event.Type, d.Queued.Event.Subject, d.Queued.SequenceText, d.Queued.Event.Time, d.Queued.EnqueuedAt,
        d.DeadLetteredAt, d.Queued.Attempts, d.Queued.LastStatus, d.Reason, includeData ? d.Queued.Event.Data : null);
}
