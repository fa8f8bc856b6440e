namespace Grid.LoadTests.Reporting;

/// <summary>
/// CPU a side used in a round's measured window: its server process and the PostgreSQL server (every backend), per
/// request and as cores busy. Read from <c>/proc</c>; PostgreSQL's part only when it runs on this machine.
/// </summary>
internal sealed record CpuFigures(double ServerMsPerRequest, double? PostgresMsPerRequest, double ServerCores, double? PostgresCores)
{
    public static CpuFigures? Median(IReadOnlyList<ScenarioResult> rounds)
    {
        var cpu = rounds.Select(r => r.Cpu).OfType<CpuFigures>().ToList();
        if (cpu.Count == 0)
        {
            return null;
        }

        return new CpuFigures(
            Math.Round(Medians.Of(cpu, c => c.ServerMsPerRequest), 4),
            cpu.All(c => c.PostgresMsPerRequest is not null) ? Math.Round(Medians.Of(cpu, c => c.PostgresMsPerRequest!.Value), 4) : null,
            Math.Round(Medians.Of(cpu, c => c.ServerCores), 3),
            cpu.All(c => c.PostgresCores is not null) ? Math.Round(Medians.Of(cpu, c => c.PostgresCores!.Value), 3) : null);
    }
}
