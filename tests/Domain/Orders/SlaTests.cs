using Grid.Domain.Orders;
using static Grid.Tests.Domain.Orders.OrderBuilder;

namespace Grid.Tests.Domain.Orders;

[Trait("Category", "Domain")]
public sealed class SlaTests
{
    private static readonly SlaPolicy Policy = new(new Dictionary<OrderStatus, TimeSpan>
    {
        [OrderStatus.Released] = TimeSpan.FromHours(4),
        [OrderStatus.Picking] = TimeSpan.FromHours(2),
    });

    [Fact]
    public void An_order_within_its_threshold_is_not_raised()
    {
        var order = Released();

        Assert.False(order.CheckSla(Policy, T0.AddHours(3)));
        Assert.Empty(order.Exceptions);
        Assert.Equal(T0.AddHours(4), order.NextSlaDeadline(Policy));
    }

    [Fact]
    public void An_order_released_and_not_shipped_beyond_the_threshold_is_raised_once()
    {
        var order = Released();

        Assert.True(order.CheckSla(Policy, T0.AddHours(4).AddMinutes(1)));
        Assert.False(order.CheckSla(Policy, T0.AddHours(9)));

        var breach = Assert.Single(order.Exceptions);
        Assert.Equal(OrderExceptionKind.SlaBreach, breach.Kind);
        Assert.Contains("released since", breach.Detail, StringComparison.Ordinal);
        Assert.Contains("4h threshold", breach.Detail, StringComparison.Ordinal);
        Assert.Null(order.NextSlaDeadline(Policy));
    }

    [Fact]
    public void A_new_status_starts_a_new_clock()
    {
        var order = Released();
        order.CheckSla(Policy, T0.AddHours(5));

        order.Pick(1, at: T0.AddHours(5));

        Assert.Equal(T0.AddHours(7), order.NextSlaDeadline(Policy));
        Assert.True(order.CheckSla(Policy, T0.AddHours(7)));
        Assert.Equal(2, order.Exceptions.Count);
    }

    [Fact]
    public void A_status_without_a_threshold_is_never_raised()
    {
        var order = Released();
        order.Ship("S1", 10);

        Assert.Null(order.NextSlaDeadline(Policy));
        Assert.False(order.CheckSla(Policy, T0.AddDays(30)));
    }
}
