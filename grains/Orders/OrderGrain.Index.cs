namespace Grid.Orders;

// The customer's order list: pending work that tells the customer's index of the status the order entered.
public sealed partial class OrderGrain
{
    private async Task SyncIndexAsync()
    {
        if (!Order.NeedsIndexing)
        {
            return;
        }

        var summary = Order.Summary();
        await GrainFactory.GetGrain<ICustomerOrdersGrain>(OrderKeys.CustomerOrders(Order.CustomerId)).Record(new OrderSummaryView(
            summary.OrderId, summary.Status.ToContract(), summary.Channel, summary.SubmittedAt, summary.StatusSince, summary.RequestedDeliveryDate));
        Order.MarkIndexed(summary.Status, Now);
    }
}
