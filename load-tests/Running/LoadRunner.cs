using System.Diagnostics;
using Grid.LoadTests.Scenarios;

namespace Grid.LoadTests.Running;

/// <summary>
/// Drives a scenario through one HTTP client for warmup + duration, then stops by itself. Outcomes and latencies are
/// those of requests started (closed loop) or scheduled (open loop) inside the measured window; throughput counts the
/// answers that arrived inside it. Requests still in flight at the end are awaited up to the request timeout; a hard
/// stop cancels anything later than that.
/// </summary>
internal sealed class LoadRunner(HttpClient client)
{
    public async Task<Measurement> RunAsync(Scenario scenario, LoadProfile profile, CancellationToken cancellationToken)
    {
        using var hardStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        hardStop.CancelAfter(profile.HardStop);

        var start = Stopwatch.GetTimestamp();
        var window = new Window(
            start,
            start + ToTicks(profile.Warmup),
            start + ToTicks(profile.Warmup + profile.Duration));

        var measurement = profile.IsOpenLoop
            ? await RunOpenLoopAsync(scenario, profile, window, hardStop.Token)
            : await RunClosedLoopAsync(scenario, profile, window, hardStop.Token);

        cancellationToken.ThrowIfCancellationRequested();
        return measurement;
    }

    private async Task<Measurement> RunClosedLoopAsync(Scenario scenario, LoadProfile profile, Window window, CancellationToken stop)
    {
        long sequence = -1;
        var workers = Enumerable.Range(0, profile.Clients).Select(_ => WorkerAsync()).ToArray();
        var results = await Task.WhenAll(workers);

        var total = new Measurement();
        foreach (var result in results)
        {
            total.Merge(result);
        }

        return total;

        async Task<Measurement> WorkerAsync()
        {
            await Task.Yield();
            var own = new Measurement();
            while (!stop.IsCancellationRequested)
            {
                var sent = Stopwatch.GetTimestamp();
                if (sent >= window.End)
                {
                    break;
                }

                var (outcome, hasLatency) = await SendAsync(scenario, Interlocked.Increment(ref sequence), stop);
                var done = Stopwatch.GetTimestamp();
                if (sent >= window.MeasureFrom)
                {
                    own.Record(outcome, done - sent, hasLatency);
                }

                if (window.Contains(done))
                {
                    own.CountCompletion();
                }

                if (outcome.RetryAfter is { } wait)
                {
                    await WaitAsync(wait, window, stop);
                }
            }

            return own;
        }
    }

    private async Task<Measurement> RunOpenLoopAsync(Scenario scenario, LoadProfile profile, Window window, CancellationToken stop)
    {
        var rate = profile.Rate!.Value;
        var ticksPerRequest = Stopwatch.Frequency / rate;
        var scheduled = (long)Math.Floor((profile.Warmup + profile.Duration).TotalSeconds * rate);
        var firstMeasured = (long)Math.Ceiling(profile.Warmup.TotalSeconds * rate);

        var measurement = new Measurement();
        using var slots = new SemaphoreSlim(profile.MaxOutstanding, profile.MaxOutstanding);
        long next = 0;

        while (next < scheduled && !stop.IsCancellationRequested)
        {
            var now = Stopwatch.GetTimestamp();
            if (now >= window.End)
            {
                break; // behind schedule at the end: what is left was never sent, and is reported as such
            }

            var due = Math.Min(scheduled, (long)((now - window.Start) / ticksPerRequest) + 1);
            if (next >= due)
            {
                var wait = Stopwatch.GetElapsedTime(now, window.Start + (long)(next * ticksPerRequest));
                await Task.Delay(wait > TimeSpan.FromMilliseconds(1) ? wait : TimeSpan.FromMilliseconds(1), stop);
                continue;
            }

            while (next < due)
            {
                if (!slots.Wait(0, stop))
                {
                    var untilEnd = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), window.End);
                    if (untilEnd <= TimeSpan.Zero || !await slots.WaitAsync(untilEnd, stop))
                    {
                        break;
                    }
                }

                var intended = window.Start + (long)(next * ticksPerRequest);
                _ = FireAsync(next, intended);
                next++;
            }
        }

        var unsent = Math.Max(0, scheduled - Math.Max(next, firstMeasured));

        // Drain: every slot back means nothing is in flight (each request ends by its timeout or the hard stop).
        for (var i = 0; i < profile.MaxOutstanding; i++)
        {
            try
            {
                await slots.WaitAsync(stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        // Snapshot under the lock: after a hard stop a cancelled request may still be recording.
        var result = new Measurement();
        lock (measurement)
        {
            result.Merge(measurement);
        }

        result.Unsent = unsent;
        return result;

        async Task FireAsync(long sequence, long intended)
        {
            try
            {
                var (outcome, hasLatency) = await SendAsync(scenario, sequence, stop);
                var done = Stopwatch.GetTimestamp();
                lock (measurement)
                {
                    if (intended >= window.MeasureFrom)
                    {
                        measurement.Record(outcome, done - intended, hasLatency);
                    }

                    if (window.Contains(done))
                    {
                        measurement.CountCompletion();
                    }
                }
            }
            finally
            {
                slots.Release();
            }
        }
    }

    /// <summary>Sends one request; never throws for the request's own failure, only classifies it.</summary>
    private async Task<(Outcome Outcome, bool HasLatency)> SendAsync(Scenario scenario, long sequence, CancellationToken stop)
    {
        try
        {
            using var request = scenario.CreateRequest(sequence);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, stop);
            return (await scenario.ClassifyAsync(response, stop), true);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return (Outcome.Error("stopped at end of run"), true);
        }
        catch (OperationCanceledException)
        {
            return (Outcome.Error("timeout"), true);
        }
        catch (HttpRequestException ex)
        {
            return (Outcome.Error($"connection: {ex.HttpRequestError}"), false);
        }
    }

    /// <summary>Honours a <c>Retry-After</c> as a well-behaved client does, but never past the end of the run.</summary>
    private static async Task WaitAsync(TimeSpan wait, Window window, CancellationToken stop)
    {
        var untilEnd = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), window.End);
        var pause = wait < untilEnd ? wait : untilEnd;
        if (pause > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(pause, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        }
    }

    private static long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    /// <summary>Stopwatch timestamps: run start, start of measurement (after warmup), end of measurement.</summary>
    private readonly record struct Window(long Start, long MeasureFrom, long End)
    {
        public bool Contains(long timestamp) => timestamp >= MeasureFrom && timestamp < End;
    }
}
