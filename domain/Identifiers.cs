using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Grid;

/// <summary>
/// The identifier rules of the public contract: SKU <c>[A-Za-z0-9._-]{1,64}</c>, location
/// <c>[A-Za-z0-9._-]{1,32}</c>, other ids 1–128 printable characters. A SKU-location key is <c>SKU@LOCATION</c>.
/// </summary>
public static partial class Identifiers
{
    public const int MaxSkuLength = 64;
    public const int MaxLocationLength = 32;
    public const int MaxIdLength = 128;

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex SkuPattern();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,32}$", RegexOptions.CultureInvariant)]
    private static partial Regex LocationPattern();

    public static bool IsValidSku([NotNullWhen(true)] string? sku) => sku is not null && SkuPattern().IsMatch(sku);

    public static bool IsValidLocation([NotNullWhen(true)] string? location) => location is not null && LocationPattern().IsMatch(location);

    /// <summary>Ids that are not SKUs or locations: 1–128 printable ASCII characters, no spaces at either end.</summary>
    public static bool IsValidId([NotNullWhen(true)] string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxIdLength || id[0] == ' ' || id[^1] == ' ')
        {
            return false;
        }

        foreach (var c in id)
        {
            if (c < 0x20 || c > 0x7E)
            {
                return false;
            }
        }

        return true;
    }

    public static string SkuLocationKey(string sku, string location) => $"{sku}@{location}";

    public static bool TryParseSkuLocationKey(string? key, [NotNullWhen(true)] out string? sku, [NotNullWhen(true)] out string? location)
    {
        sku = location = null;
        var at = key?.IndexOf('@', StringComparison.Ordinal) ?? -1;
        if (key is null || at < 0)
        {
            return false;
        }

        var candidateSku = key[..at];
        var candidateLocation = key[(at + 1)..];
        if (!IsValidSku(candidateSku) || !IsValidLocation(candidateLocation))
        {
            return false;
        }

        sku = candidateSku;
        location = candidateLocation;
        return true;
    }

    /// <summary>
    /// Grain key of the per-SKU grain. Prefixed so that a hex-looking SKU such as <c>0A1B</c> is never re-read
    /// by Orleans as an integer key (two SKUs differing only in case or leading zeros would otherwise collide).
    /// </summary>
    public static string SkuGrainKey(string sku) => $"sku:{sku}";

    /// <summary>
    /// The SKU a SKU grain's key (<c>sku:SKU</c>) or a SKU-location grain's key (<c>SKU@LOCATION</c>) names; null for
    /// any other key.
    /// </summary>
    public static string? SkuOfGrainKey(string key)
        => key.StartsWith("sku:", StringComparison.Ordinal) ? key[4..]
            : TryParseSkuLocationKey(key, out var sku, out _) ? sku
            : null;

    /// <summary>The key of a purchase order's or ASN's supply reference grain, prefixed for the same reason.</summary>
    public static string SupplyReferenceKey(string kind, string id) => $"supply:{kind}:{id}";
}
