using System.Globalization;
using System.Text.RegularExpressions;

namespace Grid.LoadTests.Http;

/// <summary>
/// One histogram read from Grid's Prometheus endpoint (<c>/metrics</c>): cumulative counts per bucket bound. Two
/// readings give what happened between them, so that a pass can compare what its client measured with what Grid itself
/// recorded.
/// </summary>
internal sealed partial record HistogramReading(IReadOnlyList<(double UpperBound, long Count)> Buckets)
{
    public long Count => Buckets.Count == 0 ? 0 : Buckets[^1].Count;

    public static async Task<HistogramReading> ReadAsync(HttpClient client, string metric, CancellationToken cancellationToken)
    {
        var text = await client.GetStringAsync(new Uri("metrics", UriKind.Relative), cancellationToken);
        var buckets = new SortedDictionary<double, long>();
        foreach (Match match in BucketLine().Matches(text))
        {
            if (match.Groups["name"].Value != metric)
            {
                continue;
            }

            var bound = match.Groups["le"].Value == "+Inf" ? double.PositiveInfinity : double.Parse(match.Groups["le"].Value, CultureInfo.InvariantCulture);
            buckets[bound] = buckets.GetValueOrDefault(bound) + long.Parse(match.Groups["count"].Value, CultureInfo.InvariantCulture);
        }

        return new HistogramReading([.. buckets.Select(b => (b.Key, b.Value))]);
    }

    /// <summary>The bucket bound (seconds) under which <paramref name="percentile"/>% of what was recorded since <paramref name="before"/> fell.</summary>
    public double? PercentileSince(HistogramReading before, double percentile)
    {
        var start = before.Buckets.ToDictionary(b => b.UpperBound, b => b.Count);
        var deltas = Buckets.Select(b => (b.UpperBound, Count: b.Count - start.GetValueOrDefault(b.UpperBound))).ToList();
        var total = deltas.Count == 0 ? 0 : deltas[^1].Count;
        if (total == 0)
        {
            return null;
        }

        var rank = Math.Ceiling(percentile / 100 * total);
        return deltas.First(d => d.Count >= rank).UpperBound;
    }

    [GeneratedRegex(@"^(?<name>[a-z_]+)_bucket\{[^}]*le=""(?<le>[^""]+)""[^}]*\} (?<count>\d+)", RegexOptions.Multiline)]
    private static partial Regex BucketLine();
}
