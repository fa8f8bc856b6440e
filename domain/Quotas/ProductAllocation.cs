using System.Text.Json.Serialization;

namespace Grid.Domain.Quotas;

/// <summary>A demand for quota: a reservation about to be made at <see cref="Location"/>, by a channel, maybe for a customer's group.</summary>
public sealed record QuotaDemand(string GrantId, string Location, string Channel, string? CustomerGroup, long Quantity, bool AllowPartial);

/// <summary>
/// The answer to a <see cref="QuotaDemand"/>. Not <see cref="Controlled"/>: no policy applies, take stock as usual.
/// Otherwise <see cref="Granted"/> units of bucket <see cref="Bucket"/> are held for the demand (zero: refused, the quota is exhausted).
/// </summary>
public sealed record QuotaGrant(bool Controlled, string? PolicyId = null, string? Bucket = null, long Quota = 0, long Consumed = 0, long Granted = 0)
{
    public static QuotaGrant None { get; } = new(false);

    /// <summary>What the bucket had left before this grant.</summary>
    public long Remaining => Math.Max(0, Quota - Consumed);

    /// <summary>The key the SKU-location counts the granted units under.</summary>
    public string? Key => PolicyId is null || Bucket is null ? null : QuotaKeys.Of(PolicyId, Bucket);
}

/// <summary>Units granted to a demand that the SKU-location has not yet reported as reserved or given up.</summary>
public sealed record PendingGrant(string Key, string Location, long Quantity, DateTimeOffset At);

/// <summary>What a SKU-location last reported it holds per quota key (reserved, allocated or shipped in the period), as of its version.</summary>
public sealed record LocationQuotaUsage(long Version, IReadOnlyDictionary<string, long> ByKey);

/// <summary>
/// The product allocation of one SKU: its policies and how much of each bucket is consumed. The one authority for its
/// quotas, so that demand at every location of the SKU is decided one at a time against the same figures.
/// </summary>
/// <remarks>
/// A bucket's consumption is what its SKU-locations report they hold under it (reservations, allocations to orders and
/// what those shipped: a sale consumes the quota for the period) plus the grants not yet reported. A SKU-location
/// reports its absolute figures after each durable change, with the grants that change settled; a release, an expiry or
/// a cancelled allocation lowers its figure and so returns the units. A grant never reported (its SKU-location failed
/// between the grant and the write) is given back after <c>pendingTimeout</c>.
/// </remarks>
public sealed class ProductAllocation
{
    [JsonInclude] public List<AllocationPolicy> Policies { get; private set; } = [];

    [JsonInclude] public Dictionary<string, LocationQuotaUsage> Usage { get; private set; } = new(StringComparer.Ordinal);

    [JsonInclude] public Dictionary<string, PendingGrant> Pending { get; private set; } = new(StringComparer.Ordinal);

    /// <summary>Whether the SKU's reservations must ask for quota (some policy exists, whatever its period).</summary>
    [JsonIgnore] public bool IsControlled => Policies.Count > 0;

    /// <summary>Adds or replaces a policy; the problem (field, reason, whether it conflicts with another policy) when it cannot be kept.</summary>
    public (string Field, string Reason, bool Conflict)? SetPolicy(AllocationPolicy policy)
    {
        if (policy.Problem() is { } problem)
        {
            return (problem.Field, problem.Reason, false);
        }

        if (Policies.FirstOrDefault(p => p.PolicyId != policy.PolicyId && p.Overlaps(policy)) is { } other)
        {
            return ("from", $"Policy '{other.PolicyId}' already covers {(policy.Location is null ? "every location" : policy.Location)} from {other.From:u} to {other.To:u}.", true);
        }

        var index = Policies.FindIndex(p => p.PolicyId == policy.PolicyId);
        if (index >= 0)
        {
            Policies[index] = policy;
        }
        else
        {
            Policies.Add(policy);
        }

        return null;
    }

    /// <summary>Removes a policy (its consumption is forgotten with it); false when there was none.</summary>
    public bool RemovePolicy(string policyId) => Policies.RemoveAll(p => p.PolicyId == policyId) > 0;

    /// <summary>The policy that decides demand at <paramref name="location"/> at <paramref name="at"/>: that location's own, else the SKU's.</summary>
    public AllocationPolicy? PolicyFor(string? location, DateTimeOffset at)
        => (location is null ? null : Policies.FirstOrDefault(p => p.IsActiveAt(at) && string.Equals(p.Location, location, StringComparison.Ordinal)))
        ?? Policies.FirstOrDefault(p => p.IsActiveAt(at) && p.Location is null);

    /// <summary>Whether deciding demand at <paramref name="location"/> needs the customer's group (the policy has group rows).</summary>
    public bool NeedsCustomerGroup(string? location, DateTimeOffset at)
        => PolicyFor(location, at)?.Quotas.Any(q => q.Audience == QuotaAudience.CustomerGroup) ?? false;

    /// <summary>
    /// Decides a demand: no policy applies (not controlled), or as many units as its bucket has left, all or nothing
    /// unless the demand allows partial. What is granted counts as consumed until the SKU-location settles it.
    /// </summary>
    public QuotaGrant Grant(QuotaDemand demand, DateTimeOffset now, TimeSpan pendingTimeout)
    {
        ForgetStaleGrants(now, pendingTimeout);
        if (PolicyFor(demand.Location, now) is not { } policy)
        {
            return QuotaGrant.None;
        }

        var (bucket, quota) = policy.BucketFor(demand.Channel, demand.CustomerGroup);
        var key = QuotaKeys.Of(policy.PolicyId, bucket);
        var consumed = Consumed(key);
        var granted = Math.Min(demand.Quantity, Math.Max(0, quota - consumed));
        if (granted < demand.Quantity && !demand.AllowPartial)
        {
            granted = 0;
        }

        if (granted > 0)
        {
            Pending[demand.GrantId] = new PendingGrant(key, demand.Location, granted, now);
        }

        return new QuotaGrant(true, policy.PolicyId, bucket, quota, consumed, granted);
    }

    /// <summary>Gives back a grant its SKU-location did not use; false when it was settled already.</summary>
    public bool Settle(string grantId) => Pending.Remove(grantId);

    /// <summary>
    /// Takes a SKU-location's figures (unless older than those held) and settles the grants they include; true when
    /// anything changed.
    /// </summary>
    public bool Report(string location, long version, IReadOnlyDictionary<string, long> byKey, IReadOnlyCollection<string> settled)
    {
        var changed = false;
        foreach (var grantId in settled)
        {
            changed |= Pending.Remove(grantId);
        }

        if (!Usage.TryGetValue(location, out var held) || held.Version < version)
        {
            Usage[location] = new LocationQuotaUsage(version, new Dictionary<string, long>(byKey, StringComparer.Ordinal));
            changed = true;
        }

        return changed;
    }

    /// <summary>What one bucket of one policy has consumed: what its SKU-locations hold under it and the grants pending.</summary>
    public long Consumed(string key)
    {
        long consumed = 0;
        foreach (var usage in Usage.Values)
        {
            consumed += usage.ByKey.GetValueOrDefault(key);
        }

        foreach (var grant in Pending.Values)
        {
            if (grant.Key == key)
            {
                consumed += grant.Quantity;
            }
        }

        return consumed;
    }

    /// <summary>The bucket a channel or customer group would consume at <paramref name="location"/> (or the SKU's policy) now, without granting.</summary>
    public QuotaGrant Standing(string? location, string channel, string? customerGroup, DateTimeOffset now)
    {
        if (PolicyFor(location, now) is not { } policy)
        {
            return QuotaGrant.None;
        }

        var (bucket, quota) = policy.BucketFor(channel, customerGroup);
        return new QuotaGrant(true, policy.PolicyId, bucket, quota, Consumed(QuotaKeys.Of(policy.PolicyId, bucket)));
    }

    private void ForgetStaleGrants(DateTimeOffset now, TimeSpan timeout)
    {
        foreach (var (id, grant) in Pending.Where(p => now - p.Value.At > timeout).ToList())
        {
            Pending.Remove(id);
        }
    }
}
