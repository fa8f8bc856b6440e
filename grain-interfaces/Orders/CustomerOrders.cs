using System.Collections.Immutable;
using Orleans.Concurrency;

namespace Grid.Orders;

/// <summary>One order in a customer's order list.</summary>
[GenerateSerializer, Immutable, Alias("grid.orders.OrderSummaryView")]
public sealed record OrderSummaryView(
    [property: Id(0)] string OrderId,
    [property: Id(1)] OrderStatus Status,
    [property: Id(2)] string Channel,
    [property: Id(3)] DateTimeOffset SubmittedAt,
    [property: Id(4)] DateTimeOffset StatusSince,
    [property: Id(5)] DateTimeOffset? RequestedDeliveryDate);

/// <summary>A page of a customer's orders, newest first; <see cref="Next"/> continues it (null on the last page).</summary>
[GenerateSerializer, Immutable, Alias("grid.orders.OrderPageView")]
public sealed record OrderPageView(
    [property: Id(0)] ImmutableArray<OrderSummaryView> Items,
    [property: Id(1)] string? Next);

/// <summary>
/// One customer's order index, keyed <see cref="OrderKeys.CustomerOrders"/>: a summary of each of the customer's
/// orders, recorded by the orders themselves as their status changes. The order list reads it; no grain holds every order.
/// </summary>
[Alias("grid.orders.ICustomerOrdersGrain")]
public interface ICustomerOrdersGrain : IGrainWithStringKey
{
    /// <summary>Records (or updates) an order's summary.</summary>
    [Alias("Record")]
    Task Record(OrderSummaryView summary);

    /// <summary>Up to <paramref name="limit"/> orders, newest first, after the cursor <paramref name="after"/>, of one status if given.</summary>
    [ReadOnly, Alias("List")]
    Task<OrderPageView> List(OrderStatus? status, string? after, int limit);
}
