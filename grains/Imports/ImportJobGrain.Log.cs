using Microsoft.Extensions.Logging;

namespace Grid.Imports;

// Log messages (event ids 17xx).
public sealed partial class ImportJobGrain
{
    [LoggerMessage(EventId = 1701, EventName = "ImportStarted", Level = LogLevel.Information,
        Message = "Import {ImportId} ({Kind}) queued: {TotalLines} line(s) in {Chunks} chunk(s), {RejectedLines} refused on reading")]
    private partial void LogStarted(string importId, ImportKind kind, int totalLines, int chunks, int rejectedLines);

    [LoggerMessage(EventId = 1702, EventName = "ImportFinished", Level = LogLevel.Information,
        Message = "Import {ImportId} {State}: {AppliedLines} line(s) applied, {FailedLines} failed")]
    private partial void LogFinished(string importId, ImportState state, int appliedLines, int failedLines);

    [LoggerMessage(EventId = 1703, EventName = "ImportWaitingForLiveEvents", Level = LogLevel.Debug,
        Message = "Import {ImportId} waits: the event queues are {Lag} behind (Grid:Imports:PauseAtLag {PauseAtLag})")]
    private partial void LogWaiting(string importId, TimeSpan lag, TimeSpan pauseAtLag);

    [LoggerMessage(EventId = 1704, EventName = "ImportChunkRetried", Level = LogLevel.Warning,
        Message = "Import {ImportId}: chunk {Chunk} could not be applied whole (attempt {Attempt}); it is applied again, line effects at most once")]
    private partial void LogChunkRetried(Exception exception, string importId, int chunk, int attempt);

    [LoggerMessage(EventId = 1705, EventName = "ImportFailed", Level = LogLevel.Error,
        Message = "Import {ImportId} failed: {Problem}")]
    private partial void LogFailed(string importId, string problem);
}
