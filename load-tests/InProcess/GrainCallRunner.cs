using System.Diagnostics;
using Grid.LoadTests.Running;
using Grid.LoadTests.Scenarios;

namespace Grid.LoadTests.InProcess;

/// <summary>
/// Closed loop over grain calls made in this process: <c>clients</c> callers, each making its next call when the previous
/// one answered, for warmup + duration. Latencies and outcomes are those of the calls started inside the measured
/// window; throughput counts the answers that arrived inside it (as <see cref="LoadRunner"/> does for HTTP).
/// </summary>
internal static class GrainCallRunner
{
    /// <summary>Runs <paramref name="call"/> with a key drawn uniformly from 0 … <paramref name="keys"/> − 1 for every call.</summary>
    public static async Task<Measurement> RunAsync(
        Func<int, Task> call, int keys, int clients, TimeSpan warmup, TimeSpan duration, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + ToTicks(warmup);
        var end = measureFrom + ToTicks(duration);

        var workers = Enumerable.Range(0, clients).Select(_ => Task.Run(WorkerAsync, cancellationToken)).ToArray();
        var results = await Task.WhenAll(workers);
        cancellationToken.ThrowIfCancellationRequested();

        var total = new Measurement();
        foreach (var result in results)
        {
            total.Merge(result);
        }

        return total;

        async Task<Measurement> WorkerAsync()
        {
            var own = new Measurement();
            var random = new Random(Random.Shared.Next());
            while (!cancellationToken.IsCancellationRequested)
            {
                var sent = Stopwatch.GetTimestamp();
                if (sent >= end)
                {
                    break;
                }

                Outcome outcome;
                try
                {
                    await call(random.Next(keys));
                    outcome = Outcome.Ok;
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    outcome = Outcome.Error(ex.GetType().Name);
                }

                var done = Stopwatch.GetTimestamp();
                if (sent >= measureFrom)
                {
                    own.Record(outcome, done - sent, hasLatency: true);
                }

                if (done >= measureFrom && done < end)
                {
                    own.CountCompletion();
                }
            }

            return own;
        }
    }

    private static long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}
