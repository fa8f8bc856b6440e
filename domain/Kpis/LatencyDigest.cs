using System.Text.Json.Serialization;

namespace Grid.Domain.Kpis;

/// <summary>
/// Durations in a fixed log-linear histogram: each value is kept rounded to two significant figures (600 s, 0.06 s,
/// 1,800 s), so percentiles are within 5 % of the true value and exact for round values, and the state stays bounded
/// (at most 90 buckets per decade, from 1 ms; shorter counts as 0). Histograms merge by adding counts.
/// </summary>
public sealed class LatencyDigest
{
    private const double Smallest = 0.001;
    private const int ExponentOffset = 10;

    [JsonInclude] public long Count { get; private set; }

    /// <summary>Count per bucket; a bucket's key encodes its rounded value (<see cref="ValueOf"/>).</summary>
    [JsonInclude] public Dictionary<int, long> Buckets { get; private set; } = [];

    public void Add(double seconds, long count = 1)
    {
        var key = KeyOf(seconds);
        Buckets[key] = Buckets.GetValueOrDefault(key) + count;
        Count += count;
    }

    public void Merge(LatencyDigest other)
    {
        foreach (var (key, count) in other.Buckets)
        {
            Buckets[key] = Buckets.GetValueOrDefault(key) + count;
        }

        Count += other.Count;
    }

    /// <summary>The nearest-rank percentile (<paramref name="p"/> from 0 to 1) of what was added; null when nothing was.</summary>
    public double? Percentile(double p)
    {
        if (Count == 0)
        {
            return null;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(p * Count));
        var seen = 0L;
        foreach (var key in Buckets.Keys.Order())
        {
            seen += Buckets[key];
            if (seen >= rank)
            {
                return ValueOf(key);
            }
        }

        return ValueOf(Buckets.Keys.Max());
    }

    /// <summary>The bucket of <paramref name="seconds"/>: 0 below a millisecond, else its decade and two leading digits.</summary>
    public static int KeyOf(double seconds)
    {
        if (!(seconds >= Smallest))
        {
            return 0;
        }

        var exponent = (int)Math.Floor(Math.Log10(seconds));
        if (Math.Pow(10, exponent + 1) <= seconds)
        {
            exponent++;
        }
        else if (Math.Pow(10, exponent) > seconds)
        {
            exponent--;
        }

        var mantissa = (int)Math.Round(Scale(seconds, 1 - exponent), MidpointRounding.AwayFromZero);
        if (mantissa >= 100)
        {
            mantissa = 10;
            exponent++;
        }

        return ((exponent + ExponentOffset) * 100) + mantissa;
    }

    /// <summary>The rounded value a bucket stands for.</summary>
    public static double ValueOf(int key) => key == 0 ? 0 : Scale(key % 100, (key / 100) - ExponentOffset - 1);

    // value × 10^power, dividing for negative powers so that 60 × 10^-3 comes out as 0.06 exactly.
    private static double Scale(double value, int power) => power >= 0 ? value * Math.Pow(10, power) : value / Math.Pow(10, -power);
}
