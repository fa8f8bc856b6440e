using System.Collections.Immutable;
using Grid.Domain;
using Grid.Domain.Quotas;
using Grid.Infrastructure;

namespace Grid.Inventory;

// Product allocation: a SKU with a policy has its reservations ask for quota first; the units held against each quota
// are reported after every durable change. A SKU without one never gets here.
public sealed partial class InventoryGrain
{
    private IProductAllocationGrain ProductAllocation => GrainFactory.Ref<IProductAllocationGrain>(Identifiers.SkuGrainKey(_inventory.Sku));

    public Task ControlByQuota(bool controlled) => DurableAsync(_inventory.ControlByQuota(controlled, Now));

    /// <summary>
    /// A new reservation asks for quota when its SKU has a policy: a sales channel's, an order's, and the backorder
    /// queue's fills too (units an order could not get for want of quota wait in the queue until the quota allows them).
    /// </summary>
    private bool NeedsQuota(ReserveStock command)
        => _inventory.QuotaControlled && !_inventory.Reservations.ContainsKey(command.ReservationId);

    /// <summary>
    /// Asks the product allocation for quota, then reserves at most what it granted. Refused quota answers
    /// <see cref="ReservationResultCode.QuotaExhausted"/> with the quota; a grant not used is given back at once.
    /// </summary>
    private async Task<ReservationResult> ReserveWithinQuotaAsync(ReserveStock command)
    {
        var grantId = $"{Key}/{command.ReservationId}/{Guid.NewGuid():N}";
        var grant = await ProductAllocation.Grant(new QuotaRequest(
            grantId, _inventory.Location, command.Channel, command.CustomerId, command.Quantity, command.AllowPartial));
        if (!grant.Controlled)
        {
            return await ReserveAsync(command, null);
        }

        if (grant.Granted == 0)
        {
            GridInstruments.ReservationsRefused.Add(1);
            return new ReservationResult(
                ReservationResultCode.QuotaExhausted,
                null,
                _inventory.AvailableFor(command.Channel),
                $"The product allocation quota '{grant.Bucket}' of policy '{grant.PolicyId}' for {_inventory.Sku} has {Math.Max(0, grant.Quota - grant.Consumed)} of {grant.Quota} left; {command.Quantity} requested.",
                "quantity",
                grant.Left);
        }

        var ticket = new QuotaTicket(grantId, QuotaKeys.Of(grant.PolicyId!, grant.Bucket!), grant.Granted);
        var result = await ReserveAsync(command, ticket);
        if (result.Code != ReservationResultCode.Created)
        {
            await ProductAllocation.Settle(grantId);
        }

        return result;
    }

    /// <summary>Sends a report of the units held against quotas; one that does not arrive is owed again with the next write.</summary>
    private async Task ReportQuotaAsync(QuotaReport report)
    {
        try
        {
            await ProductAllocation.Report(new QuotaUsageReport(
                _inventory.Location, report.Version, report.ByKey.ToImmutableDictionary(StringComparer.Ordinal), [.. report.Settled]));
        }
        catch (Exception ex)
        {
            LogQuotaReportDeferred(ex, Key);
            _inventory.QuotaReportFailed(report);
        }
    }
}
