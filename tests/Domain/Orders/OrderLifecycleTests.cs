using Grid.Domain.Orders;

namespace Grid.Tests.Domain.Orders;

[Trait("Category", "Domain")]
public sealed class OrderLifecycleTests
{
    public static TheoryData<OrderStatus, OrderStatus> Allowed() => new()
    {
        { OrderStatus.Submitted, OrderStatus.Accepted },
        { OrderStatus.Submitted, OrderStatus.PartiallyBackordered },
        { OrderStatus.Submitted, OrderStatus.Backordered },
        { OrderStatus.Submitted, OrderStatus.OnHold },
        { OrderStatus.Submitted, OrderStatus.Rejected },
        { OrderStatus.Submitted, OrderStatus.Cancelled },
        { OrderStatus.Accepted, OrderStatus.Released },
        { OrderStatus.Accepted, OrderStatus.OnHold },
        { OrderStatus.Accepted, OrderStatus.Cancelled },
        { OrderStatus.PartiallyBackordered, OrderStatus.Accepted },
        { OrderStatus.PartiallyBackordered, OrderStatus.Released },
        { OrderStatus.PartiallyBackordered, OrderStatus.OnHold },
        { OrderStatus.PartiallyBackordered, OrderStatus.Cancelled },
        { OrderStatus.Backordered, OrderStatus.Accepted },
        { OrderStatus.Backordered, OrderStatus.PartiallyBackordered },
        { OrderStatus.Backordered, OrderStatus.OnHold },
        { OrderStatus.Backordered, OrderStatus.Cancelled },
        { OrderStatus.OnHold, OrderStatus.Accepted },
        { OrderStatus.OnHold, OrderStatus.PartiallyBackordered },
        { OrderStatus.OnHold, OrderStatus.Backordered },
        { OrderStatus.OnHold, OrderStatus.Cancelled },
        { OrderStatus.Released, OrderStatus.Picking },
        { OrderStatus.Released, OrderStatus.PartiallyShipped },
        { OrderStatus.Released, OrderStatus.Shipped },
        { OrderStatus.Released, OrderStatus.Cancelled },
        { OrderStatus.Picking, OrderStatus.PartiallyShipped },
        { OrderStatus.Picking, OrderStatus.Shipped },
        { OrderStatus.Picking, OrderStatus.Cancelled },
        { OrderStatus.PartiallyShipped, OrderStatus.Shipped },
        { OrderStatus.Shipped, OrderStatus.Delivered },
        { OrderStatus.Delivered, OrderStatus.Invoiced },
        { OrderStatus.Invoiced, OrderStatus.Closed },
    };

    [Theory]
    [MemberData(nameof(Allowed))]
    public void The_lifecycle_allows_each_transition_of_the_design(OrderStatus from, OrderStatus to)
        => Assert.True(OrderLifecycle.CanMove(from, to));

    [Fact]
    public void The_lifecycle_allows_nothing_else()
    {
        var allowed = Allowed().Select(row => ((OrderStatus)row[0], (OrderStatus)row[1])).ToHashSet();
        foreach (var from in Enum.GetValues<OrderStatus>())
        {
            foreach (var to in Enum.GetValues<OrderStatus>())
            {
                Assert.True(allowed.Contains((from, to)) == OrderLifecycle.CanMove(from, to), $"{from} -> {to}");
            }
        }
    }

    [Theory]
    [InlineData(OrderStatus.Rejected)]
    [InlineData(OrderStatus.Closed)]
    [InlineData(OrderStatus.Cancelled)]
    public void A_terminal_status_leads_nowhere(OrderStatus status)
    {
        Assert.True(OrderLifecycle.IsTerminal(status));
        Assert.Empty(OrderLifecycle.NextOf(status));
    }

    [Theory]
    [InlineData(OrderStatus.Shipped, false)]
    [InlineData(OrderStatus.Delivered, false)]
    [InlineData(OrderStatus.Invoiced, false)]
    [InlineData(OrderStatus.Closed, false)]
    [InlineData(OrderStatus.Rejected, false)]
    [InlineData(OrderStatus.Submitted, true)]
    [InlineData(OrderStatus.OnHold, true)]
    [InlineData(OrderStatus.Released, true)]
    [InlineData(OrderStatus.Picking, true)]
    [InlineData(OrderStatus.PartiallyShipped, true)]
    public void Cancellation_is_possible_until_the_order_is_fully_shipped(OrderStatus status, bool cancellable)
        => Assert.Equal(cancellable, OrderLifecycle.CanCancel(status));

    [Fact]
    public void Statuses_are_named_as_the_API_spells_them()
        => Assert.Equal("partiallyBackordered", OrderLifecycle.Name(OrderStatus.PartiallyBackordered));
}
