using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using D = Grid.Domain.Exceptions;

namespace Grid.Exceptions;

/// <summary>
/// The exception queue's front: routes reports and clearances to the partitions their keys hash to, actions to the
/// partition an id names, and merges the partitions' pages for a listing. Holds nothing.
/// </summary>
[StatelessWorker]
public sealed class ExceptionQueueGrain(IOptions<ExceptionOptions> options) : Grain, IExceptionQueueGrain
{
    private int Partitions => options.Value.Partitions;

    public async Task Report(ImmutableArray<ExceptionReportInput> reports)
        => await Task.WhenAll(reports.GroupBy(r => D.ExceptionKeys.PartitionOf(r.Key(), Partitions))
            .Select(g => Partition(g.Key).Report([.. g])));

    public async Task Clear(ImmutableArray<ExceptionClearanceInput> clearances)
        => await Task.WhenAll(clearances.GroupBy(c => D.ExceptionKeys.PartitionOf(c.Key(), Partitions))
            .Select(g => Partition(g.Key).Clear([.. g])));

    public async Task<ExceptionPage?> List(ExceptionFilter filter, string? cursor, int limit)
    {
        var after = D.ExceptionCursor.Decode(cursor);
        if (cursor is not null && after is null)
        {
            return null;
        }

        // One more than asked: whether there is a next page.
        var pages = await Task.WhenAll(Enumerable.Range(0, Partitions)
            .Select(p => Partition(p).List(filter, after?.FirstSeenAt, after?.Id, limit + 1)));
        var merged = pages.SelectMany(p => p)
            .OrderBy(e => new D.ExceptionCursor(e.FirstSeenAt, e.Id), D.ExceptionCursor.NewestFirst)
            .Take(limit + 1).ToList();
        var next = merged.Count > limit ? new D.ExceptionCursor(merged[limit - 1].FirstSeenAt, merged[limit - 1].Id).Encode() : null;
        return new ExceptionPage([.. merged.Take(limit)], next);
    }

    public async Task<ExceptionView?> Get(string id)
        => Owner(id) is { } partition ? await partition.Get(id) : null;

    public async Task<ExceptionResult> Act(string id, ExceptionAction action)
        => Owner(id) is { } partition
            ? await partition.Act(id, action)
            : new ExceptionResult(ExceptionResultCode.NotFound, null, $"No exception '{id}'.");

    private IExceptionPartitionGrain? Owner(string id)
        => D.ExceptionKeys.TryParsePartition(id, out var partition) && partition < Partitions ? Partition(partition) : null;

    private IExceptionPartitionGrain Partition(int partition) => GrainFactory.GetGrain<IExceptionPartitionGrain>(partition);
}
