namespace Grid.Imports;

/// <summary>An import's progress as stored: chunks before <see cref="NextChunk"/> are applied and counted.</summary>
public sealed class ImportJobState
{
    public ImportState State { get; set; }

    public ImportKind Kind { get; set; }

    public string Format { get; set; } = "";

    public int TotalLines { get; set; }

    public int Chunks { get; set; }

    public int NextChunk { get; set; }

    /// <summary>Failed tries of <see cref="NextChunk"/> (a grain that did not answer): it is tried again, whole, a few times.</summary>
    public int ChunkAttempts { get; set; }

    public int AppliedLines { get; set; }

    public int FailedLines { get; set; }

    public List<ImportLineError> Errors { get; set; } = [];

    public DateTimeOffset? CreatedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public string? Problem { get; set; }

    public bool IsOpen => State is ImportState.Queued or ImportState.Running;

    /// <summary>Counts failed lines, keeping the first <see cref="ImportKeys.MaxKeptErrors"/> by line number.</summary>
    public void Fail(IEnumerable<ImportLineError> errors)
    {
        foreach (var error in errors)
        {
            FailedLines++;
            Errors.Add(error);
        }

        if (Errors.Count > ImportKeys.MaxKeptErrors)
        {
            Errors.Sort((a, b) => a.Line.CompareTo(b.Line));
            Errors.RemoveRange(ImportKeys.MaxKeptErrors, Errors.Count - ImportKeys.MaxKeptErrors);
        }
    }
}
