namespace Grid.Domain.Quotas;

/// <summary>Who a quota row is for: the sales channel a demand comes through, or the customer group of its customer.</summary>
public enum QuotaAudience
{
    Channel = 0,
    CustomerGroup = 1,
}

/// <summary>A quantity of the policy's period set aside for one channel or one customer group.</summary>
public sealed record QuotaRow(QuotaAudience Audience, string Name, long Quantity)
{
    /// <summary>The bucket's name within its policy: <c>channel:web</c>, <c>group:gold</c>.</summary>
    public string Bucket => (Audience == QuotaAudience.Channel ? "channel:" : "group:") + Name;
}

/// <summary>
/// Product allocation of one SKU for a period (SAP's product allocation, simplified): the units that may be promised in
/// [<see cref="From"/>, <see cref="To"/>) per channel or customer group, and a shared <see cref="EveryoneElse"/> share for
/// demand no row names. With <see cref="Location"/> it covers that location only; without, every location of the SKU.
/// </summary>
public sealed record AllocationPolicy(
    string PolicyId,
    string? Location,
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<QuotaRow> Quotas,
    long EveryoneElse)
{
    /// <summary>The bucket of demand no row names.</summary>
    public const string EveryoneElseBucket = "everyoneElse";

    public bool IsActiveAt(DateTimeOffset at) => From <= at && at < To;

    public bool Overlaps(AllocationPolicy other)
        => string.Equals(Location, other.Location, StringComparison.Ordinal) && From < other.To && other.From < To;

    /// <summary>
    /// The bucket a demand consumes: its customer group's row when there is one, else its channel's row, else everyone
    /// else's share. Returns the bucket's name and quantity.
    /// </summary>
    public (string Bucket, long Quantity) BucketFor(string channel, string? customerGroup)
    {
        if (customerGroup is not null
            && Quotas.FirstOrDefault(q => q.Audience == QuotaAudience.CustomerGroup && string.Equals(q.Name, customerGroup, StringComparison.Ordinal)) is { } group)
        {
            return (group.Bucket, group.Quantity);
        }

        return Quotas.FirstOrDefault(q => q.Audience == QuotaAudience.Channel && string.Equals(q.Name, channel, StringComparison.Ordinal)) is { } byChannel
            ? (byChannel.Bucket, byChannel.Quantity)
            : (EveryoneElseBucket, EveryoneElse);
    }

    /// <summary>The quantity of a bucket by name (zero for one the policy no longer has).</summary>
    public long QuantityOf(string bucket)
        => bucket == EveryoneElseBucket ? EveryoneElse : Quotas.FirstOrDefault(q => q.Bucket == bucket)?.Quantity ?? 0;

    /// <summary>Every bucket of the policy: its rows, then everyone else.</summary>
    public IEnumerable<string> Buckets => Quotas.Select(q => q.Bucket).Append(EveryoneElseBucket);

    /// <summary>Why the policy cannot be kept, naming the field; null when it is well formed.</summary>
    public (string Field, string Reason)? Problem()
    {
        if (To <= From)
        {
            return ("to", "'to' must be after 'from'.");
        }

        if (EveryoneElse < 0)
        {
            return ("everyoneElse", "'everyoneElse' must be zero or more units.");
        }

        for (var i = 0; i < Quotas.Count; i++)
        {
            if (Quotas[i].Quantity < 0)
            {
                return ($"quotas[{i}].quantity", "A quota must be zero or more units.");
            }

            if (Quotas.Take(i).Any(q => q.Bucket == Quotas[i].Bucket))
            {
                return ($"quotas[{i}]", $"'{Quotas[i].Bucket}' is named twice.");
            }
        }

        return null;
    }
}

/// <summary>A key for the consumption of one bucket of one policy, as the SKU-locations count it.</summary>
public static class QuotaKeys
{
    public static string Of(string policyId, string bucket) => policyId + "|" + bucket;

    public static (string PolicyId, string Bucket) Parse(string key)
    {
        var at = key.IndexOf('|', StringComparison.Ordinal);
        return (key[..at], key[(at + 1)..]);
    }
}
