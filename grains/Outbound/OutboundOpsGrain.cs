using System.Collections.Immutable;
using Grid.Domain.Outbound;
using Orleans.Concurrency;

namespace Grid.Outbound;

/// <summary>Ops over the targets (configured, and subscribed through the API): each call fans out to the target's publisher partitions and its availability publisher.</summary>
[StatelessWorker]
public sealed class OutboundOpsGrain(OutboundRouter router, TimeProvider clock) : Grain, IOutboundOpsGrain
{
    public async Task<ImmutableArray<OutboundTargetStatus>> GetTargets()
    {
        var now = clock.GetUtcNow();
        var targets = ImmutableArray.CreateBuilder<OutboundTargetStatus>();
        foreach (var name in router.TargetNames)
        {
            if (router.Target(name) is not { } options)
            {
                continue;
            }

            var parts = await Task.WhenAll((await DeliveriesAsync(name)).Select(p => p.GetStatus()));
            var lags = parts.SelectMany(p => p.RecentLagSeconds).ToList();
            var oldest = parts.Select(p => p.OldestEnqueuedAt).Where(o => o is not null).Min();
            targets.Add(new OutboundTargetStatus(
                name, options.Url!, [.. options.EventTypes], parts.Sum(p => p.Depth), oldest,
                oldest is { } o ? Math.Max(0, (now - o).TotalSeconds) : 0,
                parts.Sum(p => p.Delivered), parts.Sum(p => p.FailedAttempts), parts.Sum(p => p.DeadLetters), parts.Sum(p => p.Coalesced),
                parts.All(p => p.Paused), parts.Max(p => p.LastDeliveredAt),
                parts.Where(p => p.LastError is not null).Select(p => p.LastError).FirstOrDefault(),
                PublisherQueue.Percentile(lags, 50), PublisherQueue.Percentile(lags, 90), PublisherQueue.Percentile(lags, 99),
                router.Partitions, parts.Sum(p => p.InFlight)));
        }

        return targets.ToImmutable();
    }

    public async Task<ImmutableArray<OutboundDeadLetterView>?> GetDeadLetters(string target, int limit, bool includeData)
    {
        if (router.Target(target) is null)
        {
            return null;
        }

        var parts = await Task.WhenAll((await DeliveriesAsync(target)).Select(p => p.GetDeadLetters(limit, includeData)));
        return [.. parts.SelectMany(p => p).OrderByDescending(d => d.DeadLetteredAt).Take(limit)];
    }

    public async Task<OutboundDeadLetterView?> GetDeadLetter(string target, string id)
    {
        if (router.Target(target) is null)
        {
            return null;
        }

        var parts = await Task.WhenAll((await DeliveriesAsync(target)).Select(p => p.GetDeadLetters(int.MaxValue, includeData: true)));
        return parts.SelectMany(p => p).FirstOrDefault(d => d.Id == id);
    }

    public async Task<int?> ReplayDeadLetters(string target, ImmutableArray<string>? ids)
    {
        if (router.Target(target) is null)
        {
            return null;
        }

        var replayed = await Task.WhenAll((await DeliveriesAsync(target)).Select(p => p.ReplayDeadLetters(ids)));
        return replayed.Sum();
    }

    public async Task<bool> SetPaused(string target, bool paused)
    {
        if (router.Target(target) is null)
        {
            return false;
        }

        await Task.WhenAll((await DeliveriesAsync(target)).Select(p => p.SetPaused(paused)));
        return true;
    }

    public async Task<RedeliveryResult?> Redeliver(string target, string subject, long fromSequence)
        => router.Target(target) is not null
            ? await GrainFactory.GetGrain<IOutboundPublisherGrain>(OutboundRouter.PublisherKey(target, router.PartitionOf(subject))).Redeliver(subject, fromSequence)
            : null;

    /// <summary>
    /// The target's publisher partitions (while a change of their count settles, those beyond it too), and its availability
    /// publisher when it takes availability changes.
    /// </summary>
    private async Task<IEnumerable<IOutboundDeliveryGrain>> DeliveriesAsync(string target)
    {
        IEnumerable<IOutboundDeliveryGrain> partitions = await router.PublishersAsync(GrainFactory, target);
        return router.TargetsFor(OutboundEventTypes.AvailabilityChanged.Type).Contains(target)
            ? partitions.Append(GrainFactory.GetGrain<IAvailabilityPublisherGrain>(target))
            : partitions;
    }
}
