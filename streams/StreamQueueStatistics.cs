namespace Grid.Streams;

/// <summary>What waits in one provider's queues and what was given up on.</summary>
[GenerateSerializer]
[Alias("grid.streams.statistics")]
public sealed record StreamQueueStatistics(
    [property: Id(0)] string Provider,
    [property: Id(1)] IReadOnlyList<QueueDepth> Queues,
    [property: Id(2)] long DeadLetters,
    [property: Id(3)] IReadOnlyList<DeadLetterSummary> RecentDeadLetters)
{
    public long Depth => Queues.Sum(q => q.Depth);

    public DateTimeOffset? OldestEnqueuedAt => Queues.Count == 0 ? null : Queues.Min(q => q.OldestEnqueuedAt);
}

[GenerateSerializer]
[Alias("grid.streams.queue-depth")]
public sealed record QueueDepth(
    [property: Id(0)] int QueueId,
    [property: Id(1)] long Depth,
    [property: Id(2)] DateTimeOffset OldestEnqueuedAt);

[GenerateSerializer]
[Alias("grid.streams.dead-letter")]
public sealed record DeadLetterSummary(
    [property: Id(0)] long MessageId,
    [property: Id(1)] int QueueId,
    [property: Id(2)] string StreamNamespace,
    [property: Id(3)] string StreamKey,
    [property: Id(4)] DateTimeOffset EnqueuedAt,
    [property: Id(5)] DateTimeOffset DeadLetteredAt,
    [property: Id(6)] int DeliveryAttempts,
    [property: Id(7)] string Reason);
