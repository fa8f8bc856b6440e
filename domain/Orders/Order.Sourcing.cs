using System.Globalization;

namespace Grid.Domain.Orders;

// Sourcing: what to plan, taking a plan (or rejecting the order it cannot serve), booking what was granted.
public sealed partial class Order
{
    /// <summary>What the planner is to source: each line's unsourced units, where it may look and where it must not.</summary>
    public IReadOnlyList<SourcingLine> SourcingRequest()
        => [.. Lines.Where(l => l.Unsourced > 0).Select(l => new SourcingLine(l.LineId, l.Sku, l.Unsourced, l.RequestedLocation, l.ExcludedLocations, l.Preorder))];

    /// <summary>
    /// Decides on a sourcing round's plan. A plan that leaves lines with nowhere to look rejects an order not yet
    /// accepted (nothing was promised), and leaves an accepted one as it is, to be tried again; any other plan is taken.
    /// </summary>
    public PlanVerdict TakePlan(SourcingPlan plan, DateTimeOffset now)
    {
        if (plan.Unsourceable.Count == 0)
        {
            AdoptPlan(plan, now);
            return new PlanVerdict(PlanOutcome.Adopted, null);
        }

        var reason = $"no location serves ship-to region '{ShipTo.Region}' for line(s) {string.Join(", ", plan.Unsourceable)}, and none was requested";
        if (Status != OrderStatus.Submitted)
        {
            return new PlanVerdict(PlanOutcome.Unsourceable, reason);
        }

        Reject(reason, now);
        return new PlanVerdict(PlanOutcome.Rejected, reason);
    }

    /// <summary>
    /// Takes a plan: its backorders are booked at once, its legs are kept (with reservation ids of this round) until
    /// <see cref="ApplySourcing"/> says what the SKU-locations granted.
    /// </summary>
    public void AdoptPlan(SourcingPlan plan, DateTimeOffset now)
    {
        SourcingRound++;
        foreach (var leg in plan.Legs)
        {
            var line = Line(leg.LineId)!;
            Plan.Add(new PlannedLeg(leg.LineId, line.Sku, leg.Location, leg.Quantity,
                string.Create(CultureInfo.InvariantCulture, $"order:{OrderId}/{leg.LineId}/{leg.Location}/{SourcingRound}")));
        }

        foreach (var backorder in plan.Backorders)
        {
            var line = Line(backorder.LineId)!;
            line.Unsourced -= backorder.Quantity;
            line.AddBackorder(backorder.Location, backorder.Quantity);
        }

        Touch(now);
    }

    /// <summary>
    /// Books what each planned leg was granted. A leg granted less than planned (another channel got there first)
    /// backorders the rest at that location.
    /// </summary>
    public void ApplySourcing(IReadOnlyList<LegResult> results, DateTimeOffset now, string cause)
    {
        var granted = results.ToDictionary(r => r.ReservationId, r => r.Granted, StringComparer.Ordinal);
        foreach (var leg in Plan)
        {
            var line = Line(leg.LineId)!;
            var got = Math.Clamp(granted.GetValueOrDefault(leg.ReservationId), 0, leg.Quantity);
            line.Unsourced -= leg.Quantity;
            OrderLine.Add(line.Allocated, leg.Location, got);
            if (got < leg.Quantity)
            {
                line.AddBackorder(leg.Location, leg.Quantity - got);
            }
        }

        Plan.Clear();
        Settle(now, cause);
    }
}

/// <summary>What became of a sourcing plan.</summary>
public enum PlanOutcome
{
    /// <summary>Taken: its legs are to be reserved, its backorders are booked.</summary>
    Adopted,

    /// <summary>The order was not yet accepted and some line has nowhere to look: it is rejected.</summary>
    Rejected,

    /// <summary>The order stands, but some line has nowhere to look; nothing changed.</summary>
    Unsourceable,
}

/// <summary>The outcome of <see cref="Order.TakePlan"/>, with the reason when it was not taken.</summary>
public sealed record PlanVerdict(PlanOutcome Outcome, string? Reason);
