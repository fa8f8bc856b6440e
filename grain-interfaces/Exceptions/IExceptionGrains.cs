using System.Collections.Immutable;
using Orleans.Concurrency;

namespace Grid.Exceptions;

/// <summary>
/// The exception queue as one thing (key 0, a stateless worker on every silo): it sends each report, clearance and
/// action to the partition that holds the exception, and merges the partitions for a listing.
/// </summary>
[Alias("grid.exceptions.IExceptionQueueGrain")]
public interface IExceptionQueueGrain : IGrainWithIntegerKey
{
    /// <summary>Opens exceptions or counts repeats into open ones; answers once every partition concerned has stored them.</summary>
    [Alias("Report")]
    Task Report(ImmutableArray<ExceptionReportInput> reports);

    /// <summary>Resolves, by the system, the unresolved exceptions whose conditions cleared (none open: nothing happens).</summary>
    [Alias("Clear")]
    Task Clear(ImmutableArray<ExceptionClearanceInput> clearances);

    /// <summary>Newest first (by first seen), after <paramref name="cursor"/>; null when the cursor is not one this list gave.</summary>
    [ReadOnly, Alias("List")]
    Task<ExceptionPage?> List(ExceptionFilter filter, string? cursor, int limit);

    [ReadOnly, Alias("Get")]
    Task<ExceptionView?> Get(string id);

    [Alias("Act")]
    Task<ExceptionResult> Act(string id, ExceptionAction action);
}

/// <summary>
/// One partition of the exception queue (key: its number, <c>0</c> to <c>Grid:Exceptions:Partitions - 1</c>): the
/// exceptions whose kind and subject hash to it, open ones all and resolved ones the latest few hundred.
/// </summary>
[Alias("grid.exceptions.IExceptionPartitionGrain")]
public interface IExceptionPartitionGrain : IGrainWithIntegerKey
{
    [Alias("Report")]
    Task Report(ImmutableArray<ExceptionReportInput> reports);

    [Alias("Clear")]
    Task Clear(ImmutableArray<ExceptionClearanceInput> clearances);

    /// <summary>Up to <paramref name="limit"/> exceptions that pass <paramref name="filter"/>, newest first, after the cursor position.</summary>
    [ReadOnly, Alias("List")]
    Task<ImmutableArray<ExceptionView>> List(ExceptionFilter filter, DateTimeOffset? afterFirstSeenAt, string? afterId, int limit);

    [ReadOnly, Alias("Get")]
    Task<ExceptionView?> Get(string id);

    [Alias("Act")]
    Task<ExceptionResult> Act(string id, ExceptionAction action);
}
