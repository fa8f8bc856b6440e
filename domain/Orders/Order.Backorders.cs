using System.Globalization;

namespace Grid.Domain.Orders;

// Backorders: what is queued at each SKU-location, the fills and revised promises its queue sends back.
public sealed partial class Order
{
    /// <summary>Backorders whose queue does not yet hold their current quantity.</summary>
    public IEnumerable<(OrderLine Line, string Location, Backorder Backorder)> BackordersToQueue()
        => Lines.SelectMany(l => l.Backorders.Where(b => !b.Value.Queued).Select(b => (l, b.Key, b.Value)));

    /// <summary>The queue at <paramref name="location"/> holds <paramref name="quantity"/> for the line and promises it for <paramref name="promisedDate"/>.</summary>
    public void MarkQueued(string lineId, string location, long quantity, DateTimeOffset? promisedDate, DateTimeOffset now)
    {
        if (Line(lineId) is not { } line || !line.Backorders.TryGetValue(location, out var backorder) || backorder.Quantity != quantity)
        {
            return;
        }

        if (backorder.PromisedDate is not null && backorder.PromisedDate != promisedDate)
        {
            ReviseCommitment(new CommitmentRevision(now, lineId, location, quantity, backorder.PromisedDate, promisedDate,
                "backorder quantity changed; promised again from the supply due"), now);
        }

        line.Backorders[location] = backorder with { Queued = true, PromisedDate = promisedDate };
        line.FirstPromisedDate ??= promisedDate;
        FlagIfLate(line, now);
        Touch(now);
    }

    public void MarkWithdrawn(BackorderWithdrawal withdrawal, DateTimeOffset now)
    {
        PendingWithdrawals.Remove(withdrawal);
        Touch(now);
    }

    /// <summary>Whether notice <paramref name="sequence"/> of the backorder queue at <c>SKU@LOCATION</c> was applied already.</summary>
    public bool HasNotice(string sku, string location, long sequence) => NoticeMarks.GetValueOrDefault(Identifiers.SkuLocationKey(sku, location)) >= sequence;

    /// <summary>
    /// The queue at <paramref name="location"/> allocated <paramref name="quantity"/> units of the line's backorder to
    /// this order. Units the order no longer wants (cancelled meanwhile) are given back.
    /// </summary>
    public void ApplyBackorderFill(string sku, string location, long sequence, string lineId, long quantity, DateTimeOffset now)
    {
        if (!MarkNotice(sku, location, sequence))
        {
            return;
        }

        var line = Line(lineId);
        var taken = line is null || OrderLifecycle.IsTerminal(Status) ? 0 : line.TakeBackorder(location, quantity);
        if (taken > 0)
        {
            OrderLine.Add(line!.Allocated, location, taken);
        }

        if (quantity > taken)
        {
            PendingReleases.Add(new AllocationRelease(
                string.Create(CultureInfo.InvariantCulture, $"order:{OrderId}/fill/{sku}@{location}/{sequence}"), sku, location, quantity - taken));
        }

        Touch(now);
        Settle(now, $"backorder of line {lineId} filled at {location}: {taken} unit(s) allocated");
    }

    /// <summary>The queue at <paramref name="location"/> promises the line's backorder for a new date (supply delayed or earlier).</summary>
    public void RevisePromise(string sku, string location, long sequence, string lineId, DateTimeOffset? promisedDate, string cause, DateTimeOffset now)
    {
        if (!MarkNotice(sku, location, sequence))
        {
            return;
        }

        if (Line(lineId) is { } line && line.Backorders.TryGetValue(location, out var backorder) && backorder.PromisedDate != promisedDate)
        {
            line.Backorders[location] = backorder with { PromisedDate = promisedDate };
            line.FirstPromisedDate ??= promisedDate;
            ReviseCommitment(new CommitmentRevision(now, lineId, location, backorder.Quantity, backorder.PromisedDate, promisedDate, cause), now);
            FlagIfLate(line, now);
        }

        Touch(now);
    }

    /// <summary>The backorder queues this order has units waiting in, as (SKU, location).</summary>
    public IEnumerable<(string Sku, string Location)> BackorderQueues()
        => Lines.SelectMany(l => l.Backorders.Keys.Select(location => (l.Sku, location))).Distinct();

    private bool MarkNotice(string sku, string location, long sequence)
    {
        if (HasNotice(sku, location, sequence))
        {
            return false;
        }

        NoticeMarks[Identifiers.SkuLocationKey(sku, location)] = sequence;
        return true;
    }

    /// <summary>Takes units off a backorder and keeps its queue in step (a smaller entry, or none).</summary>
    private long ReduceBackorder(OrderLine line, string location, long quantity)
    {
        var taken = line.TakeBackorder(location, quantity);
        if (taken > 0)
        {
            if (line.Backorders.TryGetValue(location, out var rest))
            {
                line.Backorders[location] = rest with { Queued = false };
            }
            else
            {
                PendingWithdrawals.Add(new BackorderWithdrawal(line.LineId, line.Sku, location));
            }
        }

        return taken;
    }
}
