using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Grid.Streams;

/// <summary>The stream provider's instruments, on Grid's meter.</summary>
internal static class StreamInstruments
{
    private static readonly Meter Meter = new("Grid");

    private static readonly ConcurrentDictionary<PostgresStreamQueues, byte> Reporting = new();

    public static readonly Counter<long> DeadLetters = Meter.CreateCounter<long>(
        "grid.streams.dead_letters", unit: "{message}", description: "Stream messages moved to the dead letters.");

    public static readonly Counter<long> Delivered = Meter.CreateCounter<long>(
        "grid.streams.delivered", unit: "{message}", description: "Stream messages processed by their consumers and deleted from their queue.");

    /// <summary>
    /// Messages waiting per queue, as last counted (at most <see cref="QueueDepthGauge.MaxAge"/> old; counting happens only
    /// while something collects the gauge). Every silo reports the same shared queues: take the maximum over silos.
    /// </summary>
    public static readonly ObservableGauge<long> QueueDepth = Meter.CreateObservableGauge(
        "grid.streams.queue_depth",
        () => Reporting.Keys.SelectMany(queues => queues.DepthGauge?.Observe() ?? []),
        unit: "{message}",
        description: "Stream messages queued and not yet processed, per provider and queue.");

    public static void Report(PostgresStreamQueues queues) => Reporting.TryAdd(queues, 0);

    public static void StopReporting(PostgresStreamQueues queues) => Reporting.TryRemove(queues, out _);
}
