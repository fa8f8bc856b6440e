namespace Grid.LoadTests.Reporting;

/// <summary>
/// <c>compare --silos N</c>: how Grid's work spread over its silos in a round, from <c>GET /api/v1/ops/cluster</c> at
/// the end of the measured window: activations per silo, and the most over the fewest (1 is even); and, from the silos'
/// Orleans message counts over the window, the share of grain calls that crossed silos and how many crossed per API
/// request.
/// </summary>
internal sealed record ClusterFigures(int Silos, IReadOnlyList<long> Activations, double? ActivationSpread)
{
    /// <summary>Of the grain requests the silos received (from the gateway, from another silo, from their own grains), the share that came from another silo (0 to 1).</summary>
    public double? CrossSiloShare { get; init; }

    /// <summary>Grain requests that went from one silo to another per API request completed in the window.</summary>
    public double? CrossSiloCallsPerRequest { get; init; }

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
            CrossSiloShare = MedianOf(figures, f => f.CrossSiloShare),
            CrossSiloCallsPerRequest = MedianOf(figures, f => f.CrossSiloCallsPerRequest),
        };
    }

    private static double? MedianOf(IReadOnlyList<ClusterFigures> figures, Func<ClusterFigures, double?> figure)
    {
        var present = figures.Select(figure).OfType<double>().ToArray();
        return present.Length == 0 ? null : Math.Round(Medians.Of(present, v => v), 3);
    }
}
