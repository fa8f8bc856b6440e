using Grid.Domain.Orders;
using Microsoft.Extensions.Options;

namespace Grid.Orders;

/// <summary>Order settings, bound from <c>Grid:Orders</c> and validated at start-up.</summary>
public sealed class OrderOptions
{
    public const string SectionName = "Grid:Orders";

    /// <summary>
    /// How long an order may stay in a status before an SLA breach is raised, by status name (for example
    /// <c>Grid:Orders:Sla:Released=04:00:00</c>). A status left out is not watched; a zero or negative value switches
    /// the watch off for it. Default: submitted 15 minutes, accepted 1 hour, on hold 1 day, partially backordered and
    /// backordered 14 days, released 4 hours, picking 8 hours, partially shipped 3 days, shipped 7 days, delivered 30 days.
    /// </summary>
    public Dictionary<OrderStatus, TimeSpan> Sla { get; set; } = new()
    {
        [OrderStatus.Submitted] = TimeSpan.FromMinutes(15),
        [OrderStatus.Accepted] = TimeSpan.FromHours(1),
        [OrderStatus.OnHold] = TimeSpan.FromDays(1),
        [OrderStatus.PartiallyBackordered] = TimeSpan.FromDays(14),
        [OrderStatus.Backordered] = TimeSpan.FromDays(14),
        [OrderStatus.Released] = TimeSpan.FromHours(4),
        [OrderStatus.Picking] = TimeSpan.FromHours(8),
        [OrderStatus.PartiallyShipped] = TimeSpan.FromDays(3),
        [OrderStatus.Shipped] = TimeSpan.FromDays(7),
        [OrderStatus.Delivered] = TimeSpan.FromDays(30),
    };

    /// <summary>
    /// Period of the reminder that wakes an open order no silo holds, to check its SLA and catch up on anything it was
    /// told while away (an active order checks on the second with a timer). Orleans refuses reminder periods under its
    /// minimum (1 minute unless <c>Grid:Reminders:MinimumReminderPeriod</c> lowers it). Default: 15 minutes.
    /// </summary>
    public TimeSpan SlaReminderPeriod { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Expiry of the reservation an order makes at a SKU-location before it commits it as an allocation; it only matters
    /// when the order's silo fails between the two. Default: 5 minutes.
    /// </summary>
    public int SourcingReservationTtlSeconds { get; set; } = 300;

    private SlaPolicy? _policy;

    public SlaPolicy ToSlaPolicy()
        => _policy ??= new SlaPolicy(Sla.Where(s => s.Value > TimeSpan.Zero).ToDictionary(s => (Domain.Orders.OrderStatus)s.Key, s => s.Value));
}

/// <summary>Checks <see cref="OrderOptions"/>, each failure naming its key.</summary>
internal sealed class OrderOptionsValidator : IValidateOptions<OrderOptions>
{
    private const string Section = OrderOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, OrderOptions options)
    {
        var problems = new List<string>();
        if (options.SlaReminderPeriod < TimeSpan.FromSeconds(1) || options.SlaReminderPeriod > TimeSpan.FromDays(1))
        {
            problems.Add($"{Section}:SlaReminderPeriod must be between 00:00:01 and 1.00:00:00, not {options.SlaReminderPeriod}.");
        }

        if (options.SourcingReservationTtlSeconds is < 1 or > 86_400)
        {
            problems.Add($"{Section}:SourcingReservationTtlSeconds must be between 1 and 86400, not {options.SourcingReservationTtlSeconds}.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
