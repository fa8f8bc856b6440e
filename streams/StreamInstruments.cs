using System.Diagnostics.Metrics;

namespace Grid.Streams;

/// <summary>The stream provider's instruments, on Grid's meter.</summary>
internal static class StreamInstruments
{
    private static readonly Meter Meter = new("Grid");

    public static readonly Counter<long> DeadLetters = Meter.CreateCounter<long>(
        "grid.streams.dead_letters", unit: "{message}", description: "Stream messages moved to the dead letters.");

    public static readonly Counter<long> Delivered = Meter.CreateCounter<long>(
        "grid.streams.delivered", unit: "{message}", description: "Stream messages processed by their consumers and deleted from their queue.");
}
