namespace Grid.LoadTests.Reporting;

/// <summary>
/// <c>compare --silos N</c>: how Grid's work spread over its silos in a round, from <c>GET /api/v1/ops/cluster</c> at
/// the end of the measured window: activations per silo, and the most over the fewest (1 is even).
/// </summary>
internal sealed record ClusterFigures(int Silos, IReadOnlyList<long> Activations, double? ActivationSpread)
{
    public static ClusterFigures? Median(IReadOnlyList<ScenarioResult> rounds)
    {
        var figures = rounds.Select(r => r.Cluster).OfType<ClusterFigures>().ToList();
        if (figures.Count == 0)
        {
            return null;
        }

        return figures[^1] with
        {
            ActivationSpread = Medians.OfPresent(figures, f => f.ActivationSpread),
        };
    }
}
