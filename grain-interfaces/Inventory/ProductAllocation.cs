using System.Collections.Immutable;
using Orleans.Concurrency;

namespace Grid.Inventory;

/// <summary>Who a quota row is for: a sales channel, or a customer group (the ERP's master data).</summary>
[GenerateSerializer, Alias("grid.inventory.QuotaAudience")]
public enum QuotaAudience
{
    Channel = 0,
    CustomerGroup = 1,
}

[GenerateSerializer, Immutable, Alias("grid.inventory.QuotaRowInput")]
public sealed record QuotaRowInput(
    [property: Id(0)] QuotaAudience Audience,
    [property: Id(1)] string Name,
    [property: Id(2)] long Quantity);

/// <summary>A product allocation policy for a SKU (or one of its locations) over [From, To).</summary>
[GenerateSerializer, Immutable, Alias("grid.inventory.AllocationPolicyInput")]
public sealed record AllocationPolicyInput(
    [property: Id(0)] string PolicyId,
    [property: Id(1)] string? Location,
    [property: Id(2)] DateTimeOffset From,
    [property: Id(3)] DateTimeOffset To,
    [property: Id(4)] ImmutableArray<QuotaRowInput> Quotas,
    [property: Id(5)] long EveryoneElse);

/// <summary>One bucket of a policy: its quantity, what is consumed of it and what is left.</summary>
[GenerateSerializer, Immutable, Alias("grid.inventory.QuotaBucketView")]
public sealed record QuotaBucketView(
    [property: Id(0)] string Bucket,
    [property: Id(1)] long Quantity,
    [property: Id(2)] long Consumed,
    [property: Id(3)] long Remaining);

[GenerateSerializer, Immutable, Alias("grid.inventory.AllocationPolicyView")]
public sealed record AllocationPolicyView(
    [property: Id(0)] string PolicyId,
    [property: Id(1)] string? Location,
    [property: Id(2)] DateTimeOffset From,
    [property: Id(3)] DateTimeOffset To,
    [property: Id(4)] bool Active,
    [property: Id(5)] ImmutableArray<QuotaBucketView> Buckets);

[GenerateSerializer, Immutable, Alias("grid.inventory.ProductAllocationView")]
public sealed record ProductAllocationView(
    [property: Id(0)] string Sku,
    [property: Id(1)] ImmutableArray<AllocationPolicyView> Policies);

/// <summary>The product allocation after a policy was set, or the field at fault (<see cref="Conflict"/>: it overlaps another policy).</summary>
[GenerateSerializer, Immutable, Alias("grid.inventory.AllocationPolicyResult")]
public sealed record AllocationPolicyResult(
    [property: Id(0)] ProductAllocationView? Allocation,
    [property: Id(1)] string? Field = null,
    [property: Id(2)] string? Reason = null,
    [property: Id(3)] bool Conflict = false);

/// <summary>A SKU-location asks for quota before it reserves.</summary>
[GenerateSerializer, Immutable, Alias("grid.inventory.QuotaRequest")]
public sealed record QuotaRequest(
    [property: Id(0)] string GrantId,
    [property: Id(1)] string Location,
    [property: Id(2)] string Channel,
    [property: Id(3)] string? CustomerId,
    [property: Id(4)] long Quantity,
    [property: Id(5)] bool AllowPartial);

/// <summary>
/// The quota a demand meets: not <see cref="Controlled"/> when no policy applies; else its policy and bucket, the
/// bucket's quantity, what was consumed before, and what this demand was granted.
/// </summary>
[GenerateSerializer, Immutable, Alias("grid.inventory.QuotaGrantView")]
public sealed record QuotaGrantView(
    [property: Id(0)] bool Controlled,
    [property: Id(1)] string? PolicyId,
    [property: Id(2)] string? Bucket,
    [property: Id(3)] long Quota,
    [property: Id(4)] long Consumed,
    [property: Id(5)] long Granted)
{
    public QuotaLeft? Left => Controlled ? new QuotaLeft(PolicyId!, Bucket!, Quota, Consumed, Math.Max(0, Quota - Consumed)) : null;
}

/// <summary>The quota a channel or customer has left under the policy in force: shown with ATP and with a refusal.</summary>
[GenerateSerializer, Immutable, Alias("grid.inventory.QuotaLeft")]
public sealed record QuotaLeft(
    [property: Id(0)] string PolicyId,
    [property: Id(1)] string Bucket,
    [property: Id(2)] long Quantity,
    [property: Id(3)] long Consumed,
    [property: Id(4)] long Remaining);

/// <summary>What a SKU-location holds per quota key (<c>policy|bucket</c>) as of its version, and the grants it settled.</summary>
[GenerateSerializer, Immutable, Alias("grid.inventory.QuotaUsageReport")]
public sealed record QuotaUsageReport(
    [property: Id(0)] string Location,
    [property: Id(1)] long Version,
    [property: Id(2)] ImmutableDictionary<string, long> ByKey,
    [property: Id(3)] ImmutableArray<string> Settled);

/// <summary>
/// The product allocation of one SKU, keyed by <see cref="Identifiers.SkuGrainKey"/>: its policies and the one count
/// of each quota, so that demand at all the SKU's locations is decided one at a time. Only SKUs with a policy use it.
/// </summary>
[Alias("grid.inventory.IProductAllocationGrain")]
public interface IProductAllocationGrain : IGrainWithStringKey
{
    /// <summary>Adds or replaces a policy (by id); a malformed one or one overlapping another of the same scope is refused and nothing changes.</summary>
    [Alias("SetPolicy")]
    Task<AllocationPolicyResult> SetPolicy(AllocationPolicyInput policy);

    [ReadOnly, Alias("Get")]
    Task<ProductAllocationView> Get();

    /// <summary>Grants quota to a reservation about to be made; what is granted counts as consumed until settled or reported.</summary>
    [Alias("Grant")]
    Task<QuotaGrantView> Grant(QuotaRequest request);

    /// <summary>Gives back a grant its SKU-location did not use.</summary>
    [Alias("Settle")]
    Task Settle(string grantId);

    /// <summary>A SKU-location's figures after a durable change (an older report than the one held changes only the grants it settles).</summary>
    [Alias("Report")]
    Task Report(QuotaUsageReport report);

    /// <summary>The quota a channel (or a customer, by its group) has left now, at a location or for the SKU.</summary>
    [ReadOnly, Alias("Standing")]
    Task<QuotaGrantView> Standing(string? location, string? channel, string? customerId);
}
