using System.Diagnostics;
using Grid.LoadTests.Scenarios;
using HdrHistogram;

namespace Grid.LoadTests.Running;

/// <summary>
/// Latencies (HdrHistogram, microseconds, 3 significant digits, up to 10 minutes) and outcome counts of the measured
/// window. Not thread-safe: closed-loop workers keep one each and merge; the open loop records under a lock.
/// </summary>
internal sealed class Measurement
{
    public const long HighestMicroseconds = 600_000_000;

    private readonly Dictionary<string, long> _errorKinds = new(StringComparer.Ordinal);

    public LongHistogram Latency { get; } = new(1, HighestMicroseconds, 3);

    /// <summary>Requests started (closed loop) or scheduled (open loop) inside the measured window, whatever their outcome.</summary>
    public long Requests { get; private set; }

    /// <summary>Answers (of any outcome) that arrived inside the measured window: the basis of throughput.</summary>
    public long CompletedInWindow { get; private set; }

    public long Ok { get; private set; }

    public long Granted { get; private set; }

    public long Refused { get; private set; }

    public long Errors { get; private set; }

    /// <summary>Open loop: requests scheduled inside the measured window that could not be sent before it ended.</summary>
    public long Unsent { get; set; }

    public IReadOnlyDictionary<string, long> ErrorKinds => _errorKinds;

    /// <summary>Latencies per <see cref="Outcome.Label"/>, for mixed scenarios.</summary>
    public Dictionary<string, LongHistogram> ByLabel { get; } = new(StringComparer.Ordinal);

    public void CountCompletion() => CompletedInWindow++;

    /// <summary>
    /// Counts one request. Its latency is recorded when it has one: an answer or a timeout (a lower bound), not a
    /// refused connection, which fails fast and would flatter the percentiles.
    /// </summary>
    public void Record(Outcome outcome, long elapsedStopwatchTicks, bool hasLatency)
    {
        Requests++;
        switch (outcome.Kind)
        {
            case OutcomeKind.Ok:
                Ok++;
                break;
            case OutcomeKind.Granted:
                Granted++;
                break;
            case OutcomeKind.Refused:
                Refused++;
                break;
            default:
                Errors++;
                var kind = outcome.ErrorKind ?? "error";
                _errorKinds[kind] = _errorKinds.GetValueOrDefault(kind) + 1;
                break;
        }

        if (hasLatency)
        {
            var micros = Math.Clamp((long)(elapsedStopwatchTicks * (1_000_000.0 / Stopwatch.Frequency)), 1, HighestMicroseconds);
            Latency.RecordValue(micros);
            if (outcome.Label is { } label)
            {
                if (!ByLabel.TryGetValue(label, out var histogram))
                {
                    ByLabel[label] = histogram = new LongHistogram(1, HighestMicroseconds, 3);
                }

                histogram.RecordValue(micros);
            }
        }
    }

    public void Merge(Measurement other)
    {
        Latency.Add(other.Latency);
        Requests += other.Requests;
        CompletedInWindow += other.CompletedInWindow;
        Ok += other.Ok;
        Granted += other.Granted;
        Refused += other.Refused;
        Errors += other.Errors;
        Unsent += other.Unsent;
        foreach (var (label, histogram) in other.ByLabel)
        {
            if (ByLabel.TryGetValue(label, out var own))
            {
                own.Add(histogram);
            }
            else
            {
                ByLabel[label] = (LongHistogram)histogram.Copy();
            }
        }

        foreach (var (kind, count) in other._errorKinds)
        {
            _errorKinds[kind] = _errorKinds.GetValueOrDefault(kind) + count;
        }
    }
}
