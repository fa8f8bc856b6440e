using Grid.Domain.Orders;
using Grid.Infrastructure;
using D = Grid.Domain.Orders;

namespace Grid.Orders;

/// <summary>A customer's order list: what its orders tell it of themselves, paged newest first with a cursor.</summary>
public sealed class CustomerOrdersGrain(
    [PersistentState("customer-orders", StorageNames.Grid)] IPersistentState<CustomerOrderIndex> store) : Grain, ICustomerOrdersGrain
{
    public async Task Record(OrderSummaryView summary)
    {
        if (!store.State.Record(new OrderSummary(
            summary.OrderId, (D.OrderStatus)summary.Status, summary.Channel, summary.SubmittedAt, summary.StatusSince, summary.RequestedDeliveryDate)))
        {
            return;
        }

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

    public Task<OrderPageView> List(OrderStatus? status, string? after, int limit)
    {
        OrderCursor.TryDecode(after, out var cursor);
        var page = store.State.Page((D.OrderStatus?)status, cursor, Math.Max(1, limit));
        return Task.FromResult(new OrderPageView([.. page.Items.Select(ToView)], page.Next));
    }

    private static OrderSummaryView ToView(OrderSummary o)
        => new(o.OrderId, o.Status.ToContract(), o.Channel, o.SubmittedAt, o.StatusSince, o.RequestedDeliveryDate);
}
