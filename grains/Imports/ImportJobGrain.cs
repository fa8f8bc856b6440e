using System.Data.Common;
using Grid.Infrastructure;
using Grid.Streams;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grid.Imports;

/// <summary>
/// One onboarding import. Its valid lines wait in chunks (<see cref="IImportChunkGrain"/>); a timer applies them one
/// chunk at a time, at most <see cref="ImportOptions.Concurrency"/> grain calls at once and
/// <see cref="ImportOptions.MaxLinesPerSecond"/>, and waits while live warehouse events queue up
/// (<see cref="ImportOptions.PauseAtLag"/>). Progress is stored after each chunk; a chunk cut short by a crash is applied
/// again whole, which changes nothing twice (each line's effect is idempotent, a count by its event id). A reminder
/// wakes a running import after a restart.
/// </summary>
public sealed partial class ImportJobGrain(
    [PersistentState("import", StorageNames.Grid)] IPersistentState<ImportJobState> store,
    IOptions<ImportOptions> options,
    TimeProvider clock,
    IServiceProvider services,
    ILogger<ImportJobGrain> logger) : Grain, IImportJobGrain, IRemindable
{
    private const string ReminderName = "import-resume";
    private const int MaxAttempts = 3;
    private static readonly TimeSpan WaitForLiveEvents = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan LagFreshness = TimeSpan.FromMilliseconds(250);

    private readonly IStreamQueueLag? _lag = services.GetKeyedService<IStreamQueueLag>(GridStreams.ProviderName);
    private IGrainTimer? _timer;
    private bool _resumed;

    private string ImportId => this.GetPrimaryKeyString();

    private ImportJobState State => store.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.IsOpen)
        {
            Schedule(TimeSpan.Zero);
        }

        return Task.CompletedTask;
    }

    public async Task<ImportStatus> Start(ImportStart start)
    {
        if (State.State != ImportState.Unknown)
        {
            return Status(0, 0);
        }

        var now = clock.GetUtcNow();
        State.Kind = start.Kind;
        State.Format = start.Format;
        State.TotalLines = start.TotalLines;
        State.Chunks = start.Chunks;
        State.CreatedAt = now;
        State.FailedLines = start.RejectedCount - start.Rejected.Length;
        State.Fail(start.Rejected);
        State.State = start.Chunks > 0 ? ImportState.Queued : ImportState.Completed;
        State.FinishedAt = start.Chunks > 0 ? null : now;
        if (State.IsOpen)
        {
            await this.RegisterOrUpdateReminder(ReminderName, options.Value.ResumePeriod, options.Value.ResumePeriod);
        }

        await store.WriteStateAsync();
        await GrainFactory.GetGrain<IImportDirectoryGrain>(ImportKeys.Directory).Add(ImportId);
        LogStarted(ImportId, start.Kind, start.TotalLines, start.Chunks, start.RejectedCount);
        if (State.IsOpen)
        {
            Schedule(TimeSpan.Zero);
        }

        return Status(0, 0);
    }

    public Task<ImportStatus> GetStatus(int errorOffset, int errorLimit) => Task.FromResult(Status(errorOffset, errorLimit));

    public async Task<ImportStatus> Cancel()
    {
        if (State.IsOpen)
        {
            await FinishAsync(ImportState.Cancelled);
        }

        return Status(0, 0);
    }

    /// <summary>The reminder only wakes the grain: activation resumes an open import.</summary>
    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;

    private void Schedule(TimeSpan due)
    {
        if (_timer is null)
        {
            _timer = this.RegisterGrainTimer(
                static (grain, _) => grain.TickAsync(),
                this,
                new GrainTimerCreationOptions { DueTime = due, Period = Timeout.InfiniteTimeSpan, KeepAlive = true });
        }
        else
        {
            _timer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Applies the next chunk, then schedules the one after (sooner or later as the line cap says).</summary>
    private async Task TickAsync()
    {
        if (!State.IsOpen)
        {
            return;
        }

        if (await BehindAsync() is { } lag)
        {
            LogWaiting(ImportId, lag, options.Value.PauseAtLag);
            Schedule(WaitForLiveEvents);
            return;
        }

        if (State.State == ImportState.Queued)
        {
            State.State = ImportState.Running;
            State.StartedAt = clock.GetUtcNow();
        }

        if (!_resumed && State.NextChunk > 0)
        {
            // Resuming: the last chunk applied may have outlived a crash between the progress write and its clearing.
            await GrainFactory.GetGrain<IImportChunkGrain>(ImportKeys.Chunk(ImportId, State.NextChunk - 1)).Clear();
        }

        _resumed = true;
        var started = clock.GetTimestamp();
        var chunk = GrainFactory.GetGrain<IImportChunkGrain>(ImportKeys.Chunk(ImportId, State.NextChunk));
        var items = await chunk.Read();
        if (items.IsEmpty)
        {
            State.Problem = $"Chunk {State.NextChunk} of {State.Chunks} holds no lines: it was lost or never stored.";
            LogFailed(ImportId, State.Problem);
            await FinishAsync(ImportState.Failed);
            return;
        }

        var outcome = await ApplyAsync(items);
        if (outcome.Transient is { } transient)
        {
            State.ChunkAttempts++;
            LogChunkRetried(transient.Error, ImportId, State.NextChunk, State.ChunkAttempts);
            if (State.ChunkAttempts < MaxAttempts)
            {
                await store.WriteStateAsync();
                Schedule(TimeSpan.FromSeconds(2 * State.ChunkAttempts));
                return;
            }

            outcome.Errors.AddRange(transient.Lines.Select(line => new ImportLineError(
                line, null, $"Could not be applied after {MaxAttempts} attempts: {transient.Error.Message}")));
        }

        State.AppliedLines += items.Length - outcome.Errors.Count;
        State.Fail(outcome.Errors);
        State.NextChunk++;
        State.ChunkAttempts = 0;
        if (State.NextChunk >= State.Chunks)
        {
            await FinishAsync(ImportState.Completed);
        }
        else
        {
            await store.WriteStateAsync();
        }

        await chunk.Clear();
        if (State.IsOpen)
        {
            Schedule(Pace(items.Length, clock.GetElapsedTime(started)));
        }
    }

    /// <summary>How long to wait before the next chunk so that the import keeps under its line cap.</summary>
    private TimeSpan Pace(int lines, TimeSpan took)
    {
        if (options.Value.MaxLinesPerSecond == 0)
        {
            return TimeSpan.Zero;
        }

        var due = TimeSpan.FromSeconds(lines / (double)options.Value.MaxLinesPerSecond) - took;
        return due > TimeSpan.Zero ? due : TimeSpan.Zero;
    }

    /// <summary>How far behind the event queues are when that is past <see cref="ImportOptions.PauseAtLag"/>; else null.</summary>
    private async Task<TimeSpan?> BehindAsync()
    {
        var pauseAt = options.Value.PauseAtLag;
        if (_lag is null || pauseAt <= TimeSpan.Zero)
        {
            return null;
        }

        if (_lag.MeasuredAt is not { } measured || clock.GetUtcNow() - measured > LagFreshness)
        {
            try
            {
                await _lag.RefreshAsync(CancellationToken.None);
            }
            catch (Exception e) when (e is DbException or TimeoutException or InvalidOperationException)
            {
                // Unmeasured: the import goes on; a database that is down fails its writes anyway.
                return null;
            }
        }

        return _lag.Oldest >= pauseAt ? _lag.Oldest : null;
    }

    private async Task FinishAsync(ImportState state)
    {
        State.State = state;
        State.FinishedAt = clock.GetUtcNow();
        await store.WriteStateAsync();
        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        LogFinished(ImportId, state, State.AppliedLines, State.FailedLines);
    }

    private ImportStatus Status(int errorOffset, int errorLimit) => new(
        ImportId,
        State.State,
        State.Kind,
        State.Format,
        State.TotalLines,
        State.AppliedLines,
        State.FailedLines,
        State.Chunks,
        State.NextChunk,
        [.. State.Errors.OrderBy(e => e.Line).Skip(errorOffset).Take(errorLimit)],
        State.Errors.Count,
        State.CreatedAt,
        State.StartedAt,
        State.FinishedAt,
        State.Problem);
}
