using Grid.Domain.Orders;
using static Grid.Tests.Domain.Orders.OrderBuilder;

namespace Grid.Tests.Domain.Orders;

[Trait("Category", "Domain")]
public sealed class BackorderQueueTests
{
    private static readonly DateTimeOffset Dec1 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Dec10 = new(2026, 12, 10, 8, 0, 0, TimeSpan.Zero);

    private static BackorderQueue Queue(params (string OrderId, long Quantity)[] entries)
    {
        var queue = new BackorderQueue();
        foreach (var (orderId, quantity) in entries)
        {
            queue.Enqueue(orderId, "L1", "web", quantity, T0);
        }

        return queue;
    }

    [Fact]
    public void Entries_wait_in_the_order_they_arrived_and_a_repeat_keeps_its_place()
    {
        var queue = Queue(("A", 5), ("B", 3));

        queue.Enqueue("A", "L1", "web", 7, T0.AddHours(1));

        Assert.Equal([("A", 7L), ("B", 3L)], queue.Entries.Select(e => (e.OrderId, e.Quantity)));
    }

    [Fact]
    public void Supply_is_promised_first_come_first_served()
    {
        var queue = Queue(("A", 5), ("B", 5));

        queue.Promise(0, [new SupplyLine("PO-1", 6, Dec1), new SupplyLine("PO-2", 10, Dec10)], T0);

        Assert.Equal([Dec1, Dec10], queue.Entries.Select(e => e.PromisedDate));
        Assert.Equal(["PO-1", "PO-2"], queue.Entries.Select(e => e.PromisedFrom));
    }

    [Fact]
    public void An_entry_the_known_supply_does_not_reach_is_not_promised()
    {
        var queue = Queue(("A", 5), ("B", 5));

        queue.Promise(0, [new SupplyLine("PO-1", 6, Dec1)], T0);

        Assert.Null(queue.Entries[1].PromisedDate);
    }

    [Fact]
    public void A_supply_delay_moves_the_promises_that_depend_on_it_and_tells_their_orders()
    {
        var queue = Queue(("A", 5), ("B", 5));
        queue.Promise(0, [new SupplyLine("PO-1", 5, Dec1), new SupplyLine("PO-2", 5, Dec10)], T0);
        var told = queue.LastNotice;

        queue.Promise(0, [new SupplyLine("PO-1", 5, Dec10.AddDays(5)), new SupplyLine("PO-2", 5, Dec10)], T0);

        var notices = queue.Notices.Where(n => n.Sequence > told).ToList();
        Assert.Equal(2, notices.Count);
        var a = notices.Single(n => n.OrderId == "A");
        Assert.Equal((BackorderNoticeKind.Repromised, (DateTimeOffset?)Dec10, (DateTimeOffset?)Dec1), (a.Kind, a.PromisedDate, a.PreviousPromisedDate));
        Assert.Contains("delayed", a.Cause, StringComparison.Ordinal);
        Assert.Equal(Dec10.AddDays(5), notices.Single(n => n.OrderId == "B").PromisedDate);
    }

    [Fact]
    public void A_promise_that_does_not_move_tells_nobody()
    {
        var queue = Queue(("A", 5));
        queue.Promise(0, [new SupplyLine("PO-1", 5, Dec1)], T0);
        var told = queue.LastNotice;

        queue.Promise(0, [new SupplyLine("PO-1", 5, Dec1), new SupplyLine("PO-2", 5, Dec10)], T0);

        Assert.Equal(told, queue.LastNotice);
    }

    [Fact]
    public void The_entry_being_queued_is_answered_its_promise_rather_than_told()
    {
        var queue = Queue(("A", 5));

        queue.Promise(0, [new SupplyLine("PO-1", 5, Dec1)], T0, quiet: ("A", "L1"));

        Assert.Empty(queue.Notices);
        Assert.Equal(Dec1, queue.Entries[0].PromisedDate);
    }

    [Fact]
    public void A_withdrawn_entry_brings_the_promises_behind_it_forward()
    {
        var queue = Queue(("A", 5), ("B", 5));
        queue.Promise(0, [new SupplyLine("PO-1", 5, Dec1), new SupplyLine("PO-2", 5, Dec10)], T0);

        queue.Withdraw("A", "L1");
        queue.Promise(0, [new SupplyLine("PO-1", 5, Dec1), new SupplyLine("PO-2", 5, Dec10)], T0);

        var notice = queue.Notices[^1];
        Assert.Equal(("B", (DateTimeOffset?)Dec1), (notice.OrderId, notice.PromisedDate));
        Assert.Contains("earlier", notice.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fill_takes_units_off_the_entry_and_leaves_a_notice_for_its_order()
    {
        var queue = Queue(("A", 5), ("B", 5));
        Assert.Equal("backorder:1", queue.NextFillReservationId());

        queue.RecordFill(queue.Entries[0], 3);

        Assert.Equal(2, queue.Entries[0].Quantity);
        Assert.Equal("backorder:2", queue.NextFillReservationId());
        var notice = Assert.Single(queue.NoticesFor("A"));
        Assert.Equal((BackorderNoticeKind.Filled, 3L), (notice.Kind, notice.Quantity));
    }

    [Fact]
    public void A_filled_entry_leaves_the_queue()
    {
        var queue = Queue(("A", 5));

        queue.RecordFill(queue.Entries[0], 5);

        Assert.False(queue.IsWaiting);
    }

    [Fact]
    public void An_order_acknowledging_its_notices_is_not_told_them_again()
    {
        var queue = Queue(("A", 5), ("B", 5));
        queue.RecordFill(queue.Entries[0], 5);
        queue.RecordFill(queue.Entries[0], 5);

        Assert.True(queue.Acknowledge("A", queue.NoticesFor("A")[^1].Sequence));

        Assert.Equal(["B"], queue.OrdersToNotify());
    }
}
