using System.Text.Json.Serialization;

namespace Grid.Domain.Orders;

/// <summary>
/// A customer's credit status as the ERP (its owner) last set it, and the orders waiting for a hold to be released.
/// Updates carry the ERP's own time, so a late-arriving older update never overrides a newer one.
/// </summary>
public sealed class CustomerCredit
{
    [JsonInclude] public CreditStatus Status { get; private set; }
    [JsonInclude] public string? Reason { get; private set; }

    /// <summary>The ERP's time of the update applied; null while the ERP never said (the customer counts as active).</summary>
    [JsonInclude] public DateTimeOffset? UpdatedAt { get; private set; }
    [JsonInclude] public DateTimeOffset? ReceivedAt { get; private set; }

    [JsonInclude] public List<string> HeldOrders { get; private set; } = [];

    /// <summary>Applies an update unless an update of the same or a later time was applied already; true when applied.</summary>
    public bool Apply(CreditStatus status, string? reason, DateTimeOffset updatedAt, DateTimeOffset now)
    {
        if (UpdatedAt is { } last && updatedAt <= last)
        {
            return false;
        }

        Status = status;
        Reason = reason;
        UpdatedAt = updatedAt;
        ReceivedAt = now;
        return true;
    }

    /// <summary>The customer group the ERP puts the customer in (product allocation rations by it); null: none.</summary>
    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Group { get; private set; }

    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public DateTimeOffset? GroupUpdatedAt { get; private set; }

    /// <summary>Applies the ERP's group unless an update of the same or a later time was applied already; true when applied.</summary>
    public bool ApplyGroup(string? group, DateTimeOffset updatedAt)
    {
        if (GroupUpdatedAt is { } last && updatedAt <= last)
        {
            return false;
        }

        Group = group;
        GroupUpdatedAt = updatedAt;
        return true;
    }

    public bool HoldOrder(string orderId)
    {
        if (HeldOrders.Contains(orderId, StringComparer.Ordinal))
        {
            return false;
        }

        HeldOrders.Add(orderId);
        return true;
    }

    public bool ForgetOrder(string orderId) => HeldOrders.Remove(orderId);
}
