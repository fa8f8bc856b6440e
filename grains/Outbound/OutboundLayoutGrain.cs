using Grid.Infrastructure;

namespace Grid.Outbound;

/// <summary>
/// A target's partition counts, durably (key: the target's name). The first count a partition joins with is taken as
/// the layout; a different one starts a move: it is appended, and partitions 0 to the highest count used so far are
/// told to hand over the subjects that no longer belong to them. Each says when it holds none
/// (<see cref="Settle"/>); when all have, only the new count is left and the partitions are told to release what they
/// held back.
/// </summary>
/// <remarks>
/// Every silo should route by the same count: a silo that joins with another one starts a move back. Partitions beyond a
/// smaller count are found because they are told at the start of the move, again by the first join after this grain
/// activates (a silo restart in the middle of a move), and by their own reminder while they hold events.
/// </remarks>
public sealed class OutboundLayoutGrain(
    [PersistentState("outbound-layout", StorageNames.Grid)] IPersistentState<OutboundLayoutState> store) : Grain, IOutboundLayoutGrain
{
    private bool _told;

    private OutboundLayoutState State => store.State;

    public async Task<PartitionLayout> Join(int partitions)
    {
        if (State.Counts.Count == 0)
        {
            State.Counts.Add(partitions);
            State.Highest = partitions;
            State.Version++;
            await store.WriteStateAsync();
        }
        else if (State.Counts[^1] != partitions)
        {
            State.Counts.Remove(partitions);
            State.Counts.Add(partitions);
            State.Highest = Math.Max(State.Highest, partitions);
            State.Settled.Clear();
            State.Version++;
            await store.WriteStateAsync();
            _told = false;
        }

        if (!_told && Layout.Rebalancing)
        {
            _told = true;
            Tell(Enumerable.Range(0, State.Highest).Where(p => !State.Settled.Contains(p)));
        }

        return Layout;
    }

    public async Task<PartitionLayout> Settle(int partitions, int partition)
    {
        if (State.Counts.Count == 0 || State.Counts[^1] != partitions || !Layout.Rebalancing || !State.Settled.Add(partition))
        {
            return Layout;
        }

        if (Enumerable.Range(0, State.Highest).All(State.Settled.Contains))
        {
            // Every partition holds only its own subjects now: partitions beyond the count are empty.
            State.Counts.RemoveRange(0, State.Counts.Count - 1);
            State.Highest = partitions;
            State.Settled.Clear();
            State.Version++;
            await store.WriteStateAsync();
            Tell(Enumerable.Range(0, partitions).Where(p => p != partition));
            return Layout;
        }

        await store.WriteStateAsync();
        return Layout;
    }

    public Task<PartitionLayout> Get() => Task.FromResult(Layout);

    private PartitionLayout Layout => State.Counts.Count == 0
        ? new PartitionLayout(0, [], 0, 0)
        : new PartitionLayout(State.Counts[^1], [.. State.Counts.Take(State.Counts.Count - 1)], State.Highest, State.Version);

    /// <summary>One-way: a partition activating calls <see cref="Join"/>, which must not wait behind these.</summary>
    private void Tell(IEnumerable<int> partitions)
    {
        var layout = Layout;
        var target = this.GetPrimaryKeyString();
        foreach (var p in partitions)
        {
            _ = GrainFactory.GetGrain<IOutboundHandOverGrain>(OutboundRouter.PublisherKey(target, p)).LayoutChanged(layout);
        }
    }
}

/// <summary>
/// The counts in use, oldest first (the last is current), the highest ever needed, the partitions settled under the
/// current one, and the version of all that.
/// </summary>
public sealed class OutboundLayoutState
{
    public long Version { get; set; }

    public List<int> Counts { get; set; } = [];

    public int Highest { get; set; }

    public HashSet<int> Settled { get; set; } = [];
}
