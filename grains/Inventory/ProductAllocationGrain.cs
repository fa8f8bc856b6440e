using Grid.Domain.Quotas;
using Grid.Infrastructure;
using Grid.Orders;
using Microsoft.Extensions.Logging;
using D = Grid.Domain.Quotas;

namespace Grid.Inventory;

/// <summary>
/// The product allocation of one SKU: the one authority for its quotas. Not reentrant, so grants for every location of
/// the SKU are decided one at a time against the same figures, and each grant is durable before it is answered. It
/// calls the SKU grain, the SKU's locations (to turn quota on) and customers (for their group); none of those waits on it.
/// </summary>
public sealed partial class ProductAllocationGrain(
    [PersistentState("allocation", StorageNames.Grid)] IPersistentState<ProductAllocation> store,
    TimeProvider clock,
    ILogger<ProductAllocationGrain> logger) : Grain, IProductAllocationGrain
{
    /// <summary>A grant its SKU-location never reported (it failed between the grant and its write) is given back after this.</summary>
    public static readonly TimeSpan PendingGrantTimeout = TimeSpan.FromMinutes(1);

    private string Sku => this.GetPrimaryKeyString()["sku:".Length..];

    private ProductAllocation Allocation => store.State;

    public async Task<AllocationPolicyResult> SetPolicy(AllocationPolicyInput policy)
    {
        if (Allocation.SetPolicy(policy.ToDomain()) is { } problem)
        {
            return new AllocationPolicyResult(null, problem.Field, problem.Reason, problem.Conflict);
        }

        await WriteAsync();
        LogPolicySet(Sku, policy.PolicyId, policy.Location, policy.From, policy.To);

        // Every location the SKU has (and, through the SKU grain, every one it gets later) asks for quota from now on.
        var locations = await GrainFactory.Ref<ISkuGrain>(Identifiers.SkuGrainKey(Sku)).SetAllocationControlled(true);
        await Task.WhenAll(locations.Select(location =>
            GrainFactory.Ref<IInventoryGrain>(Identifiers.SkuLocationKey(Sku, location)).ControlByQuota(true)));
        return new AllocationPolicyResult(View());
    }

    public Task<ProductAllocationView> Get() => Task.FromResult(View());

    public async Task<QuotaGrantView> Grant(QuotaRequest request)
    {
        var now = clock.GetUtcNow();
        var group = await GroupOfAsync(request.Location, request.CustomerId, now);
        var grant = Allocation.Grant(
            new QuotaDemand(request.GrantId, request.Location, request.Channel, group, request.Quantity, request.AllowPartial), now, PendingGrantTimeout);
        if (grant.Granted > 0)
        {
            await WriteAsync();
        }
        else if (grant.Controlled)
        {
            LogQuotaExhausted(Sku, request.Location, grant.PolicyId!, grant.Bucket!, grant.Quota, grant.Consumed, request.Quantity);
        }

        return grant.ToContract();
    }

    public async Task Settle(string grantId)
    {
        if (Allocation.Settle(grantId))
        {
            await WriteAsync();
        }
    }

    public async Task Report(QuotaUsageReport report)
    {
        if (Allocation.Report(report.Location, report.Version, report.ByKey, report.Settled))
        {
            await WriteAsync();
        }
    }

    public async Task<QuotaGrantView> Standing(string? location, string? channel, string? customerId)
    {
        var now = clock.GetUtcNow();
        var group = await GroupOfAsync(location, customerId, now);
        return Allocation.Standing(location, channel ?? "", group, now).ToContract();
    }

    /// <summary>The customer's group, asked only when the policy in force has group rows.</summary>
    private async Task<string?> GroupOfAsync(string? location, string? customerId, DateTimeOffset now)
        => customerId is null || !Allocation.NeedsCustomerGroup(location, now)
            ? null
            : (await GrainFactory.GetGrain<ICustomerGrain>(OrderKeys.Customer(customerId)).GetGroup()).Group;

    private ProductAllocationView View()
    {
        var now = clock.GetUtcNow();
        return new ProductAllocationView(Sku, [.. Allocation.Policies.OrderBy(p => p.From).Select(p => new AllocationPolicyView(
            p.PolicyId, p.Location, p.From, p.To, p.IsActiveAt(now),
            [.. p.Buckets.Select(bucket =>
            {
                var quantity = p.QuantityOf(bucket);
                var consumed = Allocation.Consumed(QuotaKeys.Of(p.PolicyId, bucket));
                return new QuotaBucketView(bucket, quantity, consumed, Math.Max(0, quantity - consumed));
            })]))]);
    }

    private async Task WriteAsync()
    {
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            // Memory is now ahead of storage: the next activation starts again from what storage holds.
            DeactivateOnIdle();
            throw;
        }
    }

    [LoggerMessage(EventId = 1120, EventName = "AllocationPolicySet", Level = LogLevel.Information,
        Message = "Product allocation of {Sku}: policy {PolicyId} set for {Location} from {From} to {To}")]
    private partial void LogPolicySet(string sku, string policyId, string? location, DateTimeOffset from, DateTimeOffset to);

    [LoggerMessage(EventId = 1121, EventName = "QuotaExhausted", Level = LogLevel.Debug,
        Message = "Product allocation of {Sku} at {Location}: quota {PolicyId}/{Bucket} of {Quota} has {Consumed} consumed; {Requested} refused")]
    private partial void LogQuotaExhausted(string sku, string location, string policyId, string bucket, long quota, long consumed, long requested);
}

/// <summary>Maps product allocation contracts to the domain and back.</summary>
internal static class QuotaMapping
{
    public static AllocationPolicy ToDomain(this AllocationPolicyInput p)
        => new(p.PolicyId, p.Location, p.From, p.To, [.. p.Quotas.Select(q => new QuotaRow((D.QuotaAudience)q.Audience, q.Name, q.Quantity))], p.EveryoneElse);

    public static QuotaGrantView ToContract(this QuotaGrant g)
        => new(g.Controlled, g.PolicyId, g.Bucket, g.Quota, g.Consumed, g.Granted);
}
