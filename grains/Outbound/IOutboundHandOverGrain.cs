using System.Collections.Immutable;
using Grid.Domain.Outbound;
using Orleans.Concurrency;

namespace Grid.Outbound;

/// <summary>
/// What publisher partitions (key <c>target/partition</c>) and the target's layout say to each other when the partition
/// count changes. Silo-only: it carries domain types, which only silos serialize.
/// </summary>
[Alias("grid.outbound.IOutboundHandOverGrain")]
public interface IOutboundHandOverGrain : IGrainWithStringKey
{
    /// <summary>
    /// Takes subjects over from partition <paramref name="fromPartition"/>; answers once they are written here (the sender
    /// forgets them only then). The same subjects again change nothing. A paused sender pauses this partition too.
    /// </summary>
    [Alias("TakeOver")]
    Task TakeOver(int fromPartition, ImmutableArray<SubjectTransfer> subjects, bool paused);

    /// <summary>The target's partition layout changed: hand over what no longer belongs here, and hold or release subjects.</summary>
    [Alias("LayoutChanged"), OneWay]
    Task LayoutChanged(PartitionLayout layout);
}
