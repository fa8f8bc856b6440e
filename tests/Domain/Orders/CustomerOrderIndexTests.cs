using Grid.Domain.Orders;
using static Grid.Tests.Domain.Orders.OrderBuilder;

namespace Grid.Tests.Domain.Orders;

/// <summary>A customer's order list: newest first, filtered by status, continued by a cursor.</summary>
[Trait("Category", "Domain")]
public sealed class CustomerOrderIndexTests
{
    private static CustomerOrderIndex WithOrders(int count)
    {
        var index = new CustomerOrderIndex();
        for (var i = 1; i <= count; i++)
        {
            index.Record(new OrderSummary($"O-{i}", i % 2 == 0 ? OrderStatus.Released : OrderStatus.Backordered, "web", T0.AddMinutes(i), T0.AddMinutes(i), null));
        }

        return index;
    }

    [Fact]
    public void Pages_list_newest_first_and_the_cursor_continues_without_repeats_or_gaps()
    {
        var index = WithOrders(5);

        var first = index.Page(null, null, 2);
        OrderCursor.TryDecode(first.Next, out var cursor);
        var second = index.Page(null, cursor, 2);
        OrderCursor.TryDecode(second.Next, out cursor);
        var last = index.Page(null, cursor, 2);

        Assert.Equal(["O-5", "O-4", "O-3", "O-2", "O-1"], first.Items.Concat(second.Items).Concat(last.Items).Select(o => o.OrderId));
        Assert.Null(last.Next);
    }

    [Fact]
    public void A_status_filter_lists_only_orders_in_that_status()
        => Assert.Equal(["O-4", "O-2"], WithOrders(5).Page(OrderStatus.Released, null, 10).Items.Select(o => o.OrderId));

    [Fact]
    public void Recording_the_same_summary_again_changes_nothing()
    {
        var index = WithOrders(1);

        Assert.False(index.Record(index.Orders["O-1"]));
        Assert.True(index.Record(index.Orders["O-1"] with { Status = OrderStatus.Shipped }));
    }

    [Theory]
    [InlineData("not a cursor!")]
    [InlineData("")]
    [InlineData("MTIz")]
    public void Anything_but_a_cursor_the_list_made_is_not_read(string text)
        => Assert.False(OrderCursor.TryDecode(text, out _));
}
