using System.Collections.Immutable;
using Grid.Domain.Kpis;
using Grid.Infrastructure;
using Grid.Kpis;
using Grid.Outbound;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using D = Grid.Domain.Exceptions;

namespace Grid.Exceptions;

/// <summary>
/// One partition of the exception queue: decides each report, clearance and action on its exceptions in memory, writes
/// its state before it answers, then hands the opened and resolved events in its outbox to the publishers (a reminder
/// keeps an undelivered outbox alive across restarts).
/// </summary>
public sealed partial class ExceptionPartitionGrain(
    [PersistentState("exceptions", StorageNames.Grid)] IPersistentState<D.ExceptionPartition> store,
    OutboundRouter router,
    IOptions<ExceptionOptions> options,
    TimeProvider clock,
    ILogger<ExceptionPartitionGrain> logger) : Grain, IExceptionPartitionGrain, IRemindable
{
    private const string ReminderName = "exceptions-outbox";

    // Resolutions decided and not yet stored: told to the KPI history once they are.
    private readonly List<KpiFact> _resolutions = [];

    private D.ExceptionPartition State => store.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!store.RecordExists)
        {
            store.State = new D.ExceptionPartition((int)this.GetPrimaryKeyLong());
        }

        State.ResolvedLimit = options.Value.ResolvedPerPartition;
        router.HostOutbox(State.Outbox);
        return Task.CompletedTask;
    }

    public async Task Report(ImmutableArray<ExceptionReportInput> reports)
    {
        var now = clock.GetUtcNow();
        var changed = false;
        foreach (var report in reports)
        {
            var (outcome, exception) = State.Report(report.ToDomain(), now);
            if (outcome == D.ReportOutcome.Opened)
            {
                GridInstruments.ExceptionsOpened.Add(1, new KeyValuePair<string, object?>("kind", exception.Kind.ToString()));
                LogOpened(exception.Id, exception.Kind, exception.Subject.Id, exception.Detail);
            }

            changed |= outcome != D.ReportOutcome.Repeated;
        }

        if (changed)
        {
            await WriteAsync();
        }
    }

    public async Task Clear(ImmutableArray<ExceptionClearanceInput> clearances)
    {
        var now = clock.GetUtcNow();
        var changed = false;
        foreach (var clearance in clearances)
        {
            if (State.Clear(clearance.ToDomain(), now) is { } resolved)
            {
                Resolved(resolved);
                changed = true;
            }
        }

        if (changed)
        {
            await WriteAsync();
        }
    }

    public Task<ImmutableArray<ExceptionView>> List(ExceptionFilter filter, DateTimeOffset? afterFirstSeenAt, string? afterId, int limit)
    {
        var after = afterFirstSeenAt is { } at && afterId is not null ? new D.ExceptionCursor(at, afterId) : null;
        return Task.FromResult<ImmutableArray<ExceptionView>>([.. State.List(e => filter.Passes(e), after, limit).Select(e => e.ToView())]);
    }

    public Task<ExceptionView?> Get(string id) => Task.FromResult(State.Find(id)?.ToView());

    public async Task<ExceptionResult> Act(string id, ExceptionAction action)
    {
        var now = clock.GetUtcNow();
        var before = State.Find(id);
        var outcome = action.Type switch
        {
            ExceptionActionType.Acknowledge => State.Acknowledge(id, action.By, now),
            ExceptionActionType.Assign => State.Assign(id, action.Assignee ?? action.By, action.By, now),
            ExceptionActionType.Resolve => State.Resolve(id, action.By, action.Note ?? "", now),
            _ => State.Reopen(id, action.By, now),
        };

        if (outcome.Code == D.ExceptionResultCode.Ok && outcome.Exception is { } after && !ReferenceEquals(before, after))
        {
            if (after.State == D.ExceptionState.Resolved)
            {
                Resolved(after);
            }

            await WriteAsync();
        }

        return outcome.ToContract();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status) => await RelayAsync();

    private void Resolved(D.OpsException e)
    {
        var took = e.ResolvedAt is { } at ? (at - e.FirstSeenAt).TotalSeconds : 0;
        GridInstruments.ExceptionsResolved.Add(1, new KeyValuePair<string, object?>("kind", e.Kind.ToString()),
            new KeyValuePair<string, object?>("by", e.ResolvedBy == D.ExceptionRules.System ? "system" : "person"));
        GridInstruments.ExceptionResolutionSeconds.Record(Math.Max(0, took), new KeyValuePair<string, object?>("kind", e.Kind.ToString()));
        LogResolved(e.Id, e.Kind, e.ResolvedBy ?? "", e.Resolution ?? "");
        var kind = e.Kind.ToString();
        _resolutions.Add(KpiFact.ExceptionResolved(e.ResolvedAt ?? e.UpdatedAt, string.Concat(char.ToLowerInvariant(kind[0]).ToString(), kind[1..]), TimeSpan.FromSeconds(Math.Max(0, took))));
    }

    private async Task WriteAsync()
    {
        if (!State.Outbox.IsEmpty)
        {
            await this.RegisterOrUpdateReminder(ReminderName, router.Options.ReminderPeriod, router.Options.ReminderPeriod);
        }

        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            // What is in memory is not what is stored: start again from storage.
            _resolutions.Clear();
            DeactivateOnIdle();
            throw;
        }

        if (_resolutions.Count > 0)
        {
            GrainFactory.TellKpis([.. _resolutions]);
            _resolutions.Clear();
        }

        await RelayAsync();
    }

    private async Task RelayAsync()
    {
        try
        {
            await OutboxRelay.RelayAndSettleReminderAsync(this, GrainFactory, router, State.Outbox, store.WriteStateAsync, ReminderName);
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            LogRelayDeferred(ex, (int)this.GetPrimaryKeyLong());
        }
    }
}
