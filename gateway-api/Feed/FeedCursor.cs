using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Grid.Gateway.Feed;

/// <summary>
/// The opaque cursor of the availability feed: <c>&lt;epoch&gt;-&lt;position&gt;</c>. The epoch names the feed (one
/// per database; one per process in dev mode), so a cursor kept across a database reset is recognised as such.
/// </summary>
public static class FeedCursor
{
    public const int MaxEpochLength = 32;

    public static string Format(string epoch, long position) => $"{epoch}-{position.ToString(CultureInfo.InvariantCulture)}";

    public static bool TryParse(string? cursor, [NotNullWhen(true)] out string? epoch, out long position)
    {
        epoch = null;
        position = 0;
        var dash = cursor?.LastIndexOf('-') ?? -1;
        if (dash is < 1 or > MaxEpochLength
            || !cursor![..dash].All(char.IsAsciiLetterOrDigit)
            || !long.TryParse(cursor.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out position))
        {
            return false;
        }

        epoch = cursor[..dash];
        return true;
    }

    /// <summary>A new epoch: 16 hex digits.</summary>
    public static string NewEpoch() => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray().AsSpan(0, 8));
}
