using System.Collections.Immutable;

namespace Grid.Outbound;

// A change of the partition count (Grid:Outbound:Partitions), made safe without a drain. Each partition joins the
// target's layout (IOutboundLayoutGrain) when it activates. While a move is on, a partition hands the subjects that no
// longer map to it, whole and in order, to their new partition and forgets them once that one has them written; and it
// delivers no subject whose earlier events may still be in another partition (one that mapped elsewhere under an
// earlier count), so each subject's order holds. When every partition has handed over, the layout releases them all.
public sealed partial class OutboundPublisherGrain
{
    private const int SubjectsPerHandOver = 100;

    private PartitionLayout _layout = new(0, [], 0, 0);
    private Task? _handingOver;
    private long _settledAt = -1;

    private IOutboundLayoutGrain LayoutGrain => GrainFactory.GetGrain<IOutboundLayoutGrain>(_target);

    public async Task TakeOver(int fromPartition, ImmutableArray<SubjectHandOver> subjects, bool paused)
    {
        var taken = subjects.Sum(s => Queue.TakeOver(s.ToDomain()));
        if (paused && !Queue.Paused)
        {
            Queue.SetPaused(true);
        }

        if (Queue.HasPending)
        {
            await EnsureReminderAsync();
        }

        await DurableAsync();
        if (taken > 0)
        {
            LogTookOver(_target, _partition, subjects.Length, taken, fromPartition);
        }
    }

    public Task LayoutChanged(PartitionLayout layout)
    {
        Hold(layout);
        Kick();
        return Task.CompletedTask;
    }

    private async Task JoinLayoutAsync() => Hold(await LayoutGrain.Join(_router.Partitions));

    /// <summary>
    /// During a move, holds back the subjects of other partitions and those that were elsewhere under an earlier count.
    /// Settled, nothing is held (and no subject's hash is worked out on every round).
    /// </summary>
    private void Hold(PartitionLayout layout)
    {
        if (layout.Version < _layout.Version || layout.Current == 0)
        {
            return;
        }

        _layout = layout;
        var partition = _partition;
        var earlier = layout.Earlier;
        var current = layout.Current;
        Queue.Hold(layout.Rebalancing
            ? s => OutboundRouter.PartitionOf(s, current) != partition || earlier.Any(c => OutboundRouter.PartitionOf(s, c) != partition)
            : null);
    }

    /// <summary>During a move: hands over what no longer belongs here (once at a time), then tells the layout.</summary>
    private Task HandOverAsync()
    {
        if (_handingOver is { IsCompleted: false } running)
        {
            return running;
        }

        return !_layout.Rebalancing || _settledAt == _layout.Version ? Task.CompletedTask : _handingOver = HandOverOnceAsync();
    }

    private async Task HandOverOnceAsync()
    {
        var layout = _layout;
        var moving = Queue.SubjectsWhere(s => OutboundRouter.PartitionOf(s, layout.Current) != _partition);
        foreach (var group in moving.GroupBy(s => OutboundRouter.PartitionOf(s, layout.Current)))
        {
            var to = GrainFactory.GetGrain<IOutboundHandOverGrain>(OutboundRouter.PublisherKey(_target, group.Key));
            foreach (var chunk in group.Chunk(SubjectsPerHandOver))
            {
                var transfers = Queue.Transfers(chunk);
                await to.TakeOver(_partition, [.. transfers.Select(t => t.ToContract())], Queue.Paused);
                Queue.Release(transfers);
                await DurableAsync();
                LogHandedOver(_target, _partition, transfers.Count, group.Key);
            }
        }

        if (Queue.SubjectsWhere(s => OutboundRouter.PartitionOf(s, layout.Current) != _partition).Count == 0)
        {
            _settledAt = layout.Version;
            Hold(await LayoutGrain.Settle(layout.Current, _partition));
        }
    }
}
