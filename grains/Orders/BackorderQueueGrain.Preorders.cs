using Grid.Domain.Orders;
using D = Grid.Domain.Orders;

namespace Grid.Orders;

// Pre-orders: order lines sold against the SKU-location's dated inbound supply, up to a cap. Not reentrant, so two
// pre-orders are decided one after the other and the cap is never exceeded.
public sealed partial class BackorderQueueGrain
{
    public async Task<PreorderView> SetPreorders(PreorderTermsInput? terms)
    {
        Queue.SetPreorders(terms is null ? null : new PreorderTerms(terms.Cap, terms.EndsAt));
        await WriteAsync();
        return PreorderView();
    }

    public Task<PreorderView> GetPreorders() => Task.FromResult(PreorderView());

    public async Task<PreorderResult> Preorder(BackorderRequest request)
    {
        var snapshot = await Inventory.GetSnapshot();
        var decision = Queue.Preorder(request.OrderId, request.LineId, request.Channel, request.Quantity, clock.GetUtcNow(), Available(snapshot), Supply(snapshot), request.CustomerId);
        if (!decision.Accepted)
        {
            return new PreorderResult((PreorderRefusal)decision.Refusal, null, decision.Cap, decision.Remaining, decision.Detail);
        }

        // Queued now like a backorder: the SKU-location holds arriving stock for it, and the promise is made again from
        // the supply as it is once that is told.
        var promise = await Enqueue(request);
        return new PreorderResult(PreorderRefusal.None, promise, decision.Cap, Queue.PreorderRemaining);
    }

    private PreorderView PreorderView()
    {
        var terms = Queue.Preorders;
        return new PreorderView(
            _sku,
            _location,
            terms is not null && terms.IsOpenAt(clock.GetUtcNow()),
            terms?.Cap ?? 0,
            terms?.EndsAt,
            Queue.Preordered,
            Queue.PreorderRemaining,
            [.. Queue.Entries.Where(e => e.Preorder).Select(ToView)]);
    }

    private static BackorderEntryView ToView(D.BackorderEntry e)
        => new(e.OrderId, e.LineId, e.Quantity, e.QueuedAt, e.PromisedDate, e.PromisedFrom, e.Preorder);
}
