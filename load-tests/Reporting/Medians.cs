namespace Grid.LoadTests.Reporting;

/// <summary>A figure's median over the rounds of a comparison: with an even count, the mean of the two middle values.</summary>
internal static class Medians
{
    public static double Of<T>(IReadOnlyCollection<T> rounds, Func<T, double> figure)
    {
        var sorted = rounds.Select(figure).Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>The median over the rounds that have the figure, rounded to 0.1; null when none has it.</summary>
    public static double? OfPresent<T>(IReadOnlyCollection<T> rounds, Func<T, double?> figure)
    {
        var present = rounds.Select(figure).OfType<double>().ToArray();
        return present.Length == 0 ? null : Math.Round(Of(present, v => v), 1);
    }
}
