using Grid.LoadTests.Reporting;
using Grid.LoadTests.Running;

namespace Grid.LoadTests.Compare;

/// <summary>
/// Samples a server's CPU (and its PostgreSQL server's, when that runs here) at the start and the end of a pass's
/// measured window, from the moment the pass starts: after <see cref="LoadProfile.Warmup"/>, for
/// <see cref="LoadProfile.Duration"/>.
/// </summary>
internal sealed class CpuWindow
{
    private readonly Task<(TimeSpan Server, TimeSpan? Postgres, TimeSpan Elapsed)?> _sampling;

    private CpuWindow(IReadOnlyList<int> serverPids, int? postmasterPid, LoadProfile profile, CancellationToken cancellationToken)
        => _sampling = SampleAsync(serverPids, postmasterPid, profile, cancellationToken);

    /// <summary>Starts sampling; the server's CPU is the sum over <paramref name="serverPids"/> (every process of a cluster).</summary>
    public static CpuWindow Start(IReadOnlyList<int> serverPids, int? postmasterPid, LoadProfile profile, CancellationToken cancellationToken)
        => new(serverPids, postmasterPid, profile, cancellationToken);

    /// <summary>What the window used per request; null when the server's figures could not be read.</summary>
    public async Task<CpuFigures?> FiguresAsync(long requests)
    {
        if (await _sampling is not { } used || requests == 0)
        {
            return null;
        }

        var seconds = used.Elapsed.TotalSeconds;
        return new CpuFigures(
            Math.Round(used.Server.TotalMilliseconds / requests, 4),
            used.Postgres is { } pg ? Math.Round(pg.TotalMilliseconds / requests, 4) : null,
            Math.Round(used.Server.TotalSeconds / seconds, 3),
            used.Postgres is { } p ? Math.Round(p.TotalSeconds / seconds, 3) : null);
    }

    private static async Task<(TimeSpan Server, TimeSpan? Postgres, TimeSpan Elapsed)?> SampleAsync(
        IReadOnlyList<int> serverPids, int? postmasterPid, LoadProfile profile, CancellationToken cancellationToken)
    {
        await Task.Delay(profile.Warmup, cancellationToken);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (server0, pg0) = (Sum(serverPids), postmasterPid is { } pm ? ProcessCpu.OfTree(pm) : null);
        await Task.Delay(profile.Duration, cancellationToken);
        var (server1, pg1) = (Sum(serverPids), postmasterPid is { } pm1 ? ProcessCpu.OfTree(pm1) : null);
        return server0 is { } s0 && server1 is { } s1
            ? (s1 - s0, pg0 is { } p0 && pg1 is { } p1 ? p1 - p0 : null, clock.Elapsed)
            : null;
    }

    private static TimeSpan? Sum(IReadOnlyList<int> pids)
    {
        var total = TimeSpan.Zero;
        foreach (var pid in pids)
        {
            if (ProcessCpu.Of(pid) is not { } cpu)
            {
                return null;
            }

            total += cpu;
        }

        return total;
    }
}
