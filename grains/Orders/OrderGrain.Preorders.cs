using System.Collections.Immutable;

namespace Grid.Orders;

// Pre-orders: a submission's pre-order lines are taken by their SKU-location's queue (within its cap) before the order is
// stored; one refused refuses the order, and the lines taken for it are withdrawn.
public sealed partial class OrderGrain
{
    /// <summary>Takes the submission's pre-order lines; null when all were taken (or there are none), else the refusal to answer.</summary>
    private async Task<OrderResult?> TakePreordersAsync(SubmitOrder command)
    {
        var lines = command.Lines.Where(l => l.Preorder).ToList();
        if (lines.Count == 0)
        {
            return null;
        }

        var taken = new List<OrderLineInput>();
        var refusals = ImmutableArray.CreateBuilder<PreorderRefusalView>();
        foreach (var line in lines)
        {
            var result = await BackorderQueue(line.Sku, line.Location!).Preorder(new BackorderRequest(OrderId, line.LineId, command.Channel, line.Quantity, command.CustomerId));
            if (result.Refusal == PreorderRefusal.None)
            {
                taken.Add(line);
            }
            else
            {
                refusals.Add(new PreorderRefusalView(line.LineId, result.Refusal, result.Cap, result.Remaining, result.Detail ?? "Pre-order refused."));
            }
        }

        if (refusals.Count == 0)
        {
            return null;
        }

        foreach (var line in taken)
        {
            await BackorderQueue(line.Sku, line.Location!).Withdraw(OrderId, line.LineId);
        }

        return new OrderResult(OrderResultCode.PreorderRefused, null, string.Join(" ", refusals.Select(r => $"Line {r.LineId}: {r.Detail}")), "lines",
            PreorderRefusals: refusals.ToImmutable());
    }
}
