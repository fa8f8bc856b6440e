using System.Collections.ObjectModel;
using System.Text.Json.Serialization;

namespace Grid.Domain;

/// <summary>
/// What a SKU-location tells its SKU's product allocation: the units it holds per quota key (reservations, allocations
/// and what they shipped) as of <see cref="Version"/>, and the grants its decisions since the last report settled.
/// </summary>
public sealed record QuotaReport(long Version, IReadOnlyDictionary<string, long> ByKey, IReadOnlyList<string> Settled);

// Product allocation: whether this SKU's reservations ask for quota, and the units held here against each quota.
public sealed partial class SkuLocationInventory
{
    /// <summary>
    /// Whether the SKU has a product allocation policy, so that reservations here ask it for quota first. False for
    /// almost every SKU-location, whose reservations then cost nothing more.
    /// </summary>
    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool QuotaControlled
    {
        get => _rare?.QuotaControlled ?? false;
        private set
        {
            if (value || _rare is not null)
            {
                (_rare ??= new Rare()).QuotaControlled = value;
            }
        }
    }

    /// <summary>Units held here per quota key (<c>policy|bucket</c>): reserved, allocated, or shipped in the period.</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, long> QuotaUsage => (IReadOnlyDictionary<string, long>?)QuotaUsageMap ?? ReadOnlyDictionary<string, long>.Empty;

    /// <summary>Whether the product allocation is owed a report of <see cref="QuotaUsage"/>.</summary>
    [JsonIgnore]
    public bool QuotaReportDue => QuotaControlled && (_rare!.QuotaChanged || _rare.SettledGrants is { Count: > 0 });

    [JsonInclude, JsonPropertyName(nameof(QuotaUsage)), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    private Dictionary<string, long>? StoredQuotaUsage { get => QuotaUsageMap; set => QuotaUsageMap = NoneIfEmpty(value); }

    private Dictionary<string, long>? QuotaUsageMap { get => _rare?.QuotaUsage; set => SetRare(value, static (r, v) => r.QuotaUsage = v); }

    /// <summary>Turns asking for quota on or off (its SKU's product allocation says so); true when that changed.</summary>
    public bool ControlByQuota(bool controlled, DateTimeOffset now)
    {
        if (QuotaControlled == controlled)
        {
            return false;
        }

        QuotaControlled = controlled;
        if (controlled)
        {
            // The product allocation learns what is held here now.
            _rare!.QuotaChanged = true;
        }

        Touch(now);
        return true;
    }

    /// <summary>A grant this SKU-location will not use (the reservation was refused or answered from a replay): settled with the next report.</summary>
    public void SettleUnused(QuotaTicket ticket)
        => ((_rare ??= new Rare()).SettledGrants ??= []).Add(ticket.GrantId);

    /// <summary>The report the product allocation is owed (null when none), as of now; <see cref="QuotaReportFailed"/> puts it back.</summary>
    public QuotaReport? TakeQuotaReport()
    {
        if (!QuotaReportDue)
        {
            return null;
        }

        var report = new QuotaReport(Version, new Dictionary<string, long>(QuotaUsage, StringComparer.Ordinal), _rare!.SettledGrants ?? []);
        _rare.SettledGrants = null;
        _rare.QuotaChanged = false;
        return report;
    }

    /// <summary>A report that did not arrive: it is owed again, with the grants it would have settled.</summary>
    public void QuotaReportFailed(QuotaReport report)
    {
        _rare!.QuotaChanged = true;
        if (report.Settled.Count > 0)
        {
            (_rare.SettledGrants ??= []).AddRange(report.Settled);
        }
    }

    /// <summary>Marks the figures as owed to the product allocation (after a load: it may have missed the last report).</summary>
    public void OweQuotaReport()
    {
        if (QuotaControlled)
        {
            _rare!.QuotaChanged = true;
        }
    }

    private void ConsumeQuota(QuotaTicket ticket, long granted)
    {
        AddQuotaUsage(ticket.Key, granted);
        SettleUnused(ticket);
    }

    private void AddQuotaUsage(string key, long delta)
    {
        QuotaUsageMap = Counted(QuotaUsageMap, key, delta);
        (_rare ??= new Rare()).QuotaChanged = true;
    }

    /// <summary>Counts <paramref name="quantity"/> committed units of an order's allocation against <paramref name="quota"/>.</summary>
    private Allocation HoldQuota(Allocation allocation, string quota, long quantity)
    {
        if (allocation.Quota is { } held && !string.Equals(held, quota, StringComparison.Ordinal))
        {
            // An order's allocation here counts against one quota: the units move to the one it holds already.
            AddQuotaUsage(quota, -quantity);
            AddQuotaUsage(held, quantity);
        }

        return allocation with { Quota = allocation.Quota ?? quota, QuotaHeld = allocation.QuotaHeld + quantity };
    }

    /// <summary>Takes <paramref name="taken"/> units off an allocation's quota count, giving them back to the quota when <paramref name="returnQuota"/>.</summary>
    private Allocation ReleaseQuota(Allocation allocation, long taken, bool returnQuota)
    {
        if (allocation.Quota is null || allocation.QuotaHeld == 0)
        {
            return allocation;
        }

        var fromQuota = Math.Min(taken, allocation.QuotaHeld);
        if (returnQuota)
        {
            AddQuotaUsage(allocation.Quota, -fromQuota);
        }

        return allocation with { QuotaHeld = allocation.QuotaHeld - fromQuota };
    }
}
