using System.Collections.Immutable;

namespace Grid.Outbound;

/// <summary>
/// An outbound event as its source grain wrote it to its outbox: the CloudEvents attributes Grid fixes at the source
/// (<see cref="Id"/>, <see cref="Type"/>, <see cref="Subject"/>, <see cref="Time"/>) and the data as JSON. The publisher
/// of each target gives it that target's per-subject <c>sequence</c>.
/// </summary>
/// <param name="Id">The CloudEvents <c>id</c>: the outbox entry id, the same across retries and targets.</param>
/// <param name="Type">The CloudEvents <c>type</c>, such as <c>grid.order.accepted.v1</c>.</param>
/// <param name="Subject">What the event is about (<c>order/4711</c>, <c>inventory/SKU-1@DC1</c>).</param>
/// <param name="Time">When the change happened.</param>
/// <param name="Data">The event data as JSON.</param>
/// <param name="SourceSequence">Rises with every event the source grain records for the subject; a publisher drops an event at or below the last it accepted for the subject (a hand-off repeated after a crash).</param>
/// <param name="TraceParent">The W3C <c>traceparent</c> of the recorded trace whose work caused the event, if any: its delivery continues that trace.</param>
[GenerateSerializer, Immutable, Alias("grid.outbound.OutboundEvent")]
public sealed record OutboundEvent(
    [property: Id(0)] string Id,
    [property: Id(1)] string Type,
    [property: Id(2)] string Subject,
    [property: Id(3)] DateTimeOffset Time,
    [property: Id(4)] long SourceSequence,
    [property: Id(5)] string Data,
    [property: Id(6)] string? TraceParent = null);

[GenerateSerializer, Alias("grid.outbound.AcceptCode")]
public enum AcceptCode
{
    /// <summary>Durably queued (or already queued before: a repeated hand-off).</summary>
    Accepted = 0,

    /// <summary>No such target is configured (any more): the source forgets the event for it.</summary>
    UnknownTarget = 1,
}

[GenerateSerializer, Immutable, Alias("grid.outbound.AcceptResult")]
public sealed record AcceptResult(
    [property: Id(0)] AcceptCode Code,
    [property: Id(1)] int Queued,
    [property: Id(2)] int Duplicates,
    [property: Id(3)] int Coalesced);

/// <summary>One publisher partition's figures; the ops view adds them up per target.</summary>
[GenerateSerializer, Immutable, Alias("grid.outbound.PublisherStatus")]
public sealed record PublisherStatus(
    [property: Id(0)] string Target,
    [property: Id(1)] int Partition,
    [property: Id(2)] long Depth,
    [property: Id(3)] DateTimeOffset? OldestEnqueuedAt,
    [property: Id(4)] long Delivered,
    [property: Id(5)] long FailedAttempts,
    [property: Id(6)] long DeadLetters,
    [property: Id(7)] long Coalesced,
    [property: Id(8)] bool Paused,
    [property: Id(9)] DateTimeOffset? LastDeliveredAt,
    [property: Id(10)] string? LastError,
    [property: Id(11)] ImmutableArray<double> RecentLagSeconds,
    [property: Id(12)] long InFlight);

[GenerateSerializer, Immutable, Alias("grid.outbound.DeadLetterView")]
public sealed record OutboundDeadLetterView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Type,
    [property: Id(2)] string Subject,
    [property: Id(3)] string Sequence,
    [property: Id(4)] DateTimeOffset Time,
    [property: Id(5)] DateTimeOffset EnqueuedAt,
    [property: Id(6)] DateTimeOffset DeadLetteredAt,
    [property: Id(7)] int Attempts,
    [property: Id(8)] int? LastStatus,
    [property: Id(9)] string Reason,
    [property: Id(10)] string? Data);

[GenerateSerializer, Alias("grid.outbound.RedeliveryCode")]
public enum RedeliveryCode
{
    /// <summary>The subject's events from that sequence on are queued again.</summary>
    Queued = 0,

    /// <summary>Nothing was sent to this target for the subject from that sequence on.</summary>
    NothingSent = 1,

    /// <summary>Some of the events asked for are no longer retained; <see cref="RedeliveryResult.OldestRetained"/> says from where they are.</summary>
    NotRetained = 2,
}

[GenerateSerializer, Immutable, Alias("grid.outbound.RedeliveryResult")]
public sealed record RedeliveryResult(
    [property: Id(0)] RedeliveryCode Code,
    [property: Id(1)] int Queued,
    [property: Id(2)] long LastSequence,
    [property: Id(3)] long? OldestRetained);

/// <summary>
/// The publisher of one outbound target and partition (key <c>target/partition</c>): it queues what source grains hand
/// it, durably, and delivers each subject's events in sequence order, draining on a timer while busy and kept alive by a
/// reminder while it holds anything.
/// </summary>
[Alias("grid.outbound.IOutboundPublisherGrain")]
public interface IOutboundPublisherGrain : IOutboundDeliveryGrain
{
    /// <summary>Queues events durably; answers once they are written. Events already accepted are dropped.</summary>
    [Alias("Accept")]
    Task<AcceptResult> Accept(ImmutableArray<OutboundEvent> events);

    /// <summary>Sends the subject's events again from <paramref name="fromSequence"/> on, as far as they are retained.</summary>
    [Alias("Redeliver")]
    Task<RedeliveryResult> Redeliver(string subject, long fromSequence);
}

/// <summary>
/// A target's publisher partitions: the count in use, the earlier counts whose partitions have not all handed their
/// subjects over yet (empty when settled), the highest count any of them used (partitions 0 to it may hold events), and
/// a version that rises with every change (a partition told of an older layout than it has ignores it).
/// </summary>
[GenerateSerializer, Immutable, Alias("grid.outbound.PartitionLayout")]
public sealed record PartitionLayout(
    [property: Id(0)] int Current,
    [property: Id(1)] ImmutableArray<int> Earlier,
    [property: Id(2)] int Highest,
    [property: Id(3)] long Version)
{
    public bool Rebalancing => !Earlier.IsDefaultOrEmpty;
}

/// <summary>
/// Remembers a target's partition counts (key: the target's name), so that a change of <c>Grid:Outbound:Partitions</c>
/// moves subjects without a drain: every partition joins with the count it routes by; a new count wakes partitions 0 to
/// the highest used so far to hand over what no longer belongs to them, and the move is over once all have.
/// </summary>
[Alias("grid.outbound.IOutboundLayoutGrain")]
public interface IOutboundLayoutGrain : IGrainWithStringKey
{
    /// <summary>The layout, after taking <paramref name="partitions"/> as the count in use (a new count starts a move).</summary>
    [Alias("Join")]
    Task<PartitionLayout> Join(int partitions);

    /// <summary>Partition <paramref name="partition"/> holds nothing that belongs elsewhere under <paramref name="partitions"/>.</summary>
    [Alias("Settle")]
    Task<PartitionLayout> Settle(int partitions, int partition);

    [Alias("Get")]
    Task<PartitionLayout> Get();
}

/// <summary>
/// What ops do with any grain that delivers to a target: a publisher partition (<see cref="IOutboundPublisherGrain"/>)
/// or the target's availability publisher (<see cref="IAvailabilityPublisherGrain"/>).
/// </summary>
[Alias("grid.outbound.IOutboundDeliveryGrain")]
public interface IOutboundDeliveryGrain : IGrainWithStringKey
{
    [Alias("GetStatus")]
    Task<PublisherStatus> GetStatus();

    [Alias("GetDeadLetters")]
    Task<ImmutableArray<OutboundDeadLetterView>> GetDeadLetters(int limit, bool includeData);

    /// <summary>Sends dead letters again: all, or those with the given ids. Answers how many.</summary>
    [Alias("ReplayDeadLetters")]
    Task<int> ReplayDeadLetters(ImmutableArray<string>? ids);

    [Alias("SetPaused")]
    Task SetPaused(bool paused);

    /// <summary>Starts delivering now if anything is due (after a restart, or when a test moved its clock).</summary>
    [Alias("Wake")]
    Task Wake();

    /// <summary>Takes the target's settings as they are in <paramref name="subscriptions"/> (a subscription changed).</summary>
    [Alias("Reconfigure")]
    Task Reconfigure(SubscriptionSet subscriptions);

    /// <summary>The target was deleted: drops everything waiting and stored for it, and stops.</summary>
    [Alias("Discard")]
    Task Discard(SubscriptionSet subscriptions);
}

/// <summary>
/// The delivery of <c>grid.inventory.availability.changed.v1</c> to one target (key: the target's name), read straight
/// from the availability feed with a cursor: each SKU-location's latest change, in feed order, in batches.
/// </summary>
[Alias("grid.outbound.IAvailabilityPublisherGrain")]
public interface IAvailabilityPublisherGrain : IOutboundDeliveryGrain;

/// <summary>One target's outbound figures over all its partitions, for ops.</summary>
[GenerateSerializer, Immutable, Alias("grid.outbound.TargetStatus")]
public sealed record OutboundTargetStatus(
    [property: Id(0)] string Target,
    [property: Id(1)] string Url,
    [property: Id(2)] ImmutableArray<string> EventTypes,
    [property: Id(3)] long Depth,
    [property: Id(4)] DateTimeOffset? OldestEnqueuedAt,
    [property: Id(5)] double OldestAgeSeconds,
    [property: Id(6)] long Delivered,
    [property: Id(7)] long FailedAttempts,
    [property: Id(8)] long DeadLetters,
    [property: Id(9)] long Coalesced,
    [property: Id(10)] bool Paused,
    [property: Id(11)] DateTimeOffset? LastDeliveredAt,
    [property: Id(12)] string? LastError,
    [property: Id(13)] double? LagP50Seconds,
    [property: Id(14)] double? LagP90Seconds,
    [property: Id(15)] double? LagP99Seconds,
    [property: Id(16)] int Partitions,
    [property: Id(17)] long InFlight);

/// <summary>
/// Ops over the configured outbound targets (the silo's configuration, so a separate gateway needs none): it fans each
/// call out to the target's publisher partitions. Null/false answers mean the target is not configured.
/// </summary>
[Alias("grid.outbound.IOutboundOpsGrain")]
public interface IOutboundOpsGrain : IGrainWithIntegerKey
{
    [Alias("GetTargets")]
    Task<ImmutableArray<OutboundTargetStatus>> GetTargets();

    [Alias("GetDeadLetters")]
    Task<ImmutableArray<OutboundDeadLetterView>?> GetDeadLetters(string target, int limit, bool includeData);

    [Alias("GetDeadLetter")]
    Task<OutboundDeadLetterView?> GetDeadLetter(string target, string id);

    [Alias("ReplayDeadLetters")]
    Task<int?> ReplayDeadLetters(string target, ImmutableArray<string>? ids);

    [Alias("SetPaused")]
    Task<bool> SetPaused(string target, bool paused);

    [Alias("Redeliver")]
    Task<RedeliveryResult?> Redeliver(string target, string subject, long fromSequence);
}
