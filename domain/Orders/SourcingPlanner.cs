namespace Grid.Domain.Orders;

/// <summary>Units of one line to source: where it may look (its requested location, if any) and where it must not.</summary>
public sealed record SourcingLine(string LineId, string Sku, long Quantity, string? RequestedLocation, IReadOnlyCollection<string> Excluded, bool Preorder = false);

/// <summary>Hold <see cref="Quantity"/> units of a line at <see cref="Location"/>.</summary>
public sealed record SourcingLeg(string LineId, string Location, long Quantity);

/// <summary>Backorder <see cref="Quantity"/> units of a line at <see cref="Location"/>'s queue.</summary>
public sealed record SourcingBackorder(string LineId, string Location, long Quantity);

public sealed record SourcingPlan(
    IReadOnlyList<SourcingLeg> Legs,
    IReadOnlyList<SourcingBackorder> Backorders,
    IReadOnlyList<string> Unsourceable)
{
    public bool IsEmpty => Legs.Count == 0 && Backorders.Count == 0;
}

/// <summary>
/// Decides where each line's units come from (DESIGN §4): the line's requested location, else the candidate locations
/// for the ship-to region in priority order. With split allowed, a line takes what each location has in turn; without,
/// it goes whole to the first location that has it all, or else to the one that has most, the rest backordered there.
/// What no location has now is backordered at the requested location or the first candidate.
/// </summary>
public static class SourcingPlanner
{
    /// <param name="lines">The lines to source, in order: earlier lines get first call on the stock.</param>
    /// <param name="candidates">The region's locations in priority order (first is preferred).</param>
    /// <param name="allowSplit">Whether a line may be split across locations.</param>
    /// <param name="available">ATP for the order's channel by <c>SKU@LOCATION</c>; missing means none.</param>
    public static SourcingPlan Plan(
        IReadOnlyList<SourcingLine> lines,
        IReadOnlyList<string> candidates,
        bool allowSplit,
        IReadOnlyDictionary<string, long> available)
    {
        var remaining = new Dictionary<string, long>(available, StringComparer.Ordinal);
        var legs = new List<SourcingLeg>();
        var backorders = new List<SourcingBackorder>();
        var unsourceable = new List<string>();

        foreach (var line in lines)
        {
            IReadOnlyList<string> eligible = line.RequestedLocation is { } requested ? [requested] : candidates;
            var backorderAt = eligible.Count > 0 ? eligible[0] : line.Excluded.FirstOrDefault();
            if (backorderAt is null)
            {
                unsourceable.Add(line.LineId);
                continue;
            }

            if (line.Preorder)
            {
                // Sold against the location's inbound supply: it waits there, whatever stock other locations hold.
                backorders.Add(new SourcingBackorder(line.LineId, backorderAt, line.Quantity));
                continue;
            }

            var open = eligible.Where(l => !line.Excluded.Contains(l, StringComparer.Ordinal)).ToList();
            long Atp(string location) => Math.Max(0, remaining.GetValueOrDefault(Identifiers.SkuLocationKey(line.Sku, location)));

            var need = line.Quantity;
            if (allowSplit)
            {
                foreach (var location in open)
                {
                    if (need == 0)
                    {
                        break;
                    }

                    var take = Math.Min(need, Atp(location));
                    if (take > 0)
                    {
                        legs.Add(new SourcingLeg(line.LineId, location, take));
                        remaining[Identifiers.SkuLocationKey(line.Sku, location)] = Atp(location) - take;
                        need -= take;
                    }
                }
            }
            else if (open.Count > 0)
            {
                // Whole from the first that has it all; else the most from one location (ties to the higher priority).
                var location = open.FirstOrDefault(l => Atp(l) >= need) ?? open.OrderByDescending(Atp).First();
                var take = Math.Min(need, Atp(location));
                if (take > 0)
                {
                    legs.Add(new SourcingLeg(line.LineId, location, take));
                    remaining[Identifiers.SkuLocationKey(line.Sku, location)] = Atp(location) - take;
                    need -= take;
                    backorderAt = location;
                }
            }

            if (need > 0)
            {
                backorders.Add(new SourcingBackorder(line.LineId, backorderAt, need));
            }
        }

        return new SourcingPlan(legs, backorders, unsourceable);
    }
}
