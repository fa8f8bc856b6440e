using System.Collections.Immutable;
using Orleans.Concurrency;

namespace Grid.Outbound;

/// <summary>An event waiting at a publisher partition, as it moves to another (mirrors the domain's <c>QueuedEvent</c>).</summary>
[GenerateSerializer, Immutable, Alias("grid.outbound.HandedEvent")]
public sealed record HandedEvent(
    [property: Id(0)] OutboundEvent Event,
    [property: Id(1)] long Sequence,
    [property: Id(2)] DateTimeOffset EnqueuedAt,
    [property: Id(3)] int Attempts,
    [property: Id(4)] DateTimeOffset? NextAttemptAt,
    [property: Id(5)] int? LastStatus,
    [property: Id(6)] string? LastError);

/// <summary>A dead letter moving to another partition (mirrors the domain's <c>DeadLetter</c>).</summary>
[GenerateSerializer, Immutable, Alias("grid.outbound.HandedDeadLetter")]
public sealed record HandedDeadLetter(
    [property: Id(0)] HandedEvent Queued,
    [property: Id(1)] DateTimeOffset DeadLetteredAt,
    [property: Id(2)] string Reason);

/// <summary>A delivery kept for redelivery, moving to another partition (mirrors the domain's <c>DeliveredEvent</c>).</summary>
[GenerateSerializer, Immutable, Alias("grid.outbound.HandedDelivery")]
public sealed record HandedDelivery(
    [property: Id(0)] OutboundEvent Event,
    [property: Id(1)] long Sequence,
    [property: Id(2)] DateTimeOffset DeliveredAt);

/// <summary>Everything a partition holds for one subject, handed to the subject's partition under a new count (mirrors the domain's <c>SubjectTransfer</c>).</summary>
[GenerateSerializer, Immutable, Alias("grid.outbound.SubjectHandOver")]
public sealed record SubjectHandOver(
    [property: Id(0)] string Subject,
    [property: Id(1)] long LastSequence,
    [property: Id(2)] long LastSourceSequence,
    [property: Id(3)] ImmutableArray<HandedEvent> Pending,
    [property: Id(4)] ImmutableArray<HandedDeadLetter> DeadLetters,
    [property: Id(5)] ImmutableArray<HandedDelivery> Retained);

/// <summary>
/// What publisher partitions (key <c>target/partition</c>) and the target's layout say to each other when the partition
/// count changes.
/// </summary>
[Alias("grid.outbound.IOutboundHandOverGrain")]
public interface IOutboundHandOverGrain : IGrainWithStringKey
{
    /// <summary>
    /// Takes subjects over from partition <paramref name="fromPartition"/>; answers once they are written here (the sender
    /// forgets them only then). The same subjects again change nothing. A paused sender pauses this partition too.
    /// </summary>
    [Alias("TakeOver")]
    Task TakeOver(int fromPartition, ImmutableArray<SubjectHandOver> subjects, bool paused);

    /// <summary>The target's partition layout changed: hand over what no longer belongs here, and hold or release subjects.</summary>
    [Alias("LayoutChanged"), OneWay]
    Task LayoutChanged(PartitionLayout layout);
}
