using Grid.LoadTests.Reporting;

namespace Grid.LoadTests.Elasticity;

/// <summary>
/// What clients saw during one cluster change: the requests sent from the start of its window to the start of the
/// next, their failures by kind, how long after the change began the last failure ended, and latency.
/// </summary>
internal sealed record CaseFigures(
    int Requests,
    int Failed,
    IReadOnlyDictionary<string, int> FailuresByKind,
    int TimedOut,
    double? FailuresEndedAfterSeconds,
    double P50Ms,
    double P99Ms,
    double MaxMs)
{
    public const string RetryableRefusal = "503 with Retry-After";

    /// <summary>Failed requests of one kind of operation (<c>reservation</c>, <c>receipt</c>).</summary>
    public int FailedOf(OperationKind kind)
        => FailuresByKind.Where(f => f.Key.StartsWith(kind.ToString().ToLowerInvariant() + ":", StringComparison.Ordinal)).Sum(f => f.Value);

    /// <summary>Figures over the attempts that started in [<paramref name="from"/>, <paramref name="to"/>); failure times relative to <paramref name="changeAt"/>.</summary>
    public static CaseFigures Of(IEnumerable<Attempt> attempts, TimeSpan from, TimeSpan to, TimeSpan changeAt)
    {
        var window = attempts.Where(a => a.Started >= from && a.Started < to).ToList();
        var failed = window.Where(a => !a.Outcome.Acknowledged).ToList();
        var durations = window.Select(a => a.Duration.TotalMilliseconds).Order().ToArray();
        double? endedAfter = failed.Count == 0 ? null : Math.Round((failed.Max(a => a.Ended) - changeAt).TotalSeconds, 2);
        return new CaseFigures(
            window.Count,
            failed.Count,
            failed.GroupBy(a => $"{a.Kind.ToString().ToLowerInvariant()}: {(a.Outcome.IsRetryableRefusal ? RetryableRefusal : a.Outcome.Describe())}")
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            failed.Count(a => a.Outcome.IsTimeout),
            endedAfter,
            Percentiles.Of(durations, 0.50),
            Percentiles.Of(durations, 0.99),
            durations.Length == 0 ? 0 : Math.Round(durations[^1], 1));
    }

    /// <summary>Whether these figures meet the target of <paramref name="change"/>.</summary>
    public bool Meets(ClusterChange change, TimeSpan killWindow) => change == ClusterChange.Kill
        ? TimedOut == 0 && FailuresByKind.Keys.All(k => k.EndsWith(": " + RetryableRefusal, StringComparison.Ordinal)) && (FailuresEndedAfterSeconds ?? 0) <= killWindow.TotalSeconds
        : Failed == 0;
}
