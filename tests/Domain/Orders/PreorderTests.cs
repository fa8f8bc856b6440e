using Grid.Domain.Orders;

namespace Grid.Tests.Domain.Orders;

/// <summary>Pre-orders: a SKU-location sells ahead of its dated inbound supply, up to a cap, each with a promised date.</summary>
[Trait("Category", "Domain")]
public sealed class PreorderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Eta = Now.AddDays(10);
    private static readonly IReadOnlyList<SupplyLine> Supply = [new SupplyLine("PO-1", 30, Eta)];

    private static BackorderQueue Open(long cap)
    {
        var queue = new BackorderQueue();
        queue.SetPreorders(new PreorderTerms(cap));
        return queue;
    }

    private static PreorderDecision Take(BackorderQueue queue, string orderId, long quantity, IReadOnlyList<SupplyLine>? supply = null, DateTimeOffset? at = null)
        => queue.Preorder(orderId, "L1", "web", quantity, at ?? Now, 0, supply ?? Supply);

    [Fact]
    public void A_pre_order_within_the_cap_is_queued_and_promised_the_eta_of_the_supply_that_covers_it()
    {
        var queue = Open(cap: 20);

        var decision = Take(queue, "O-1", 8);

        Assert.True(decision.Accepted);
        Assert.Equal((Eta, "PO-1", true), (decision.Entry!.PromisedDate, decision.Entry.PromisedFrom, decision.Entry.Preorder));
        Assert.Equal((8L, 12L), (queue.Preordered, queue.PreorderRemaining));
    }

    [Fact]
    public void A_pre_order_beyond_what_the_cap_leaves_is_refused_and_changes_nothing()
    {
        var queue = Open(cap: 10);
        Take(queue, "O-1", 8);

        var decision = Take(queue, "O-2", 3);

        Assert.Equal((PreorderRefusal.CapExceeded, 10L, 2L), (decision.Refusal, decision.Cap, decision.Remaining));
        Assert.Single(queue.Entries);
    }

    [Fact]
    public void A_pre_order_the_supply_due_does_not_cover_is_refused()
    {
        var queue = Open(cap: 100);
        Take(queue, "O-1", 25);

        Assert.Equal(PreorderRefusal.NoSupply, Take(queue, "O-2", 6).Refusal);
    }

    [Fact]
    public void Without_terms_or_after_their_end_pre_orders_are_not_open()
    {
        var queue = new BackorderQueue();
        Assert.Equal(PreorderRefusal.NotOpen, Take(queue, "O-1", 1).Refusal);

        queue.SetPreorders(new PreorderTerms(10, Now.AddDays(1)));
        Assert.Equal(PreorderRefusal.NotOpen, Take(queue, "O-1", 1, at: Now.AddDays(1)).Refusal);
    }

    [Fact]
    public void The_same_pre_order_again_answers_the_same_and_counts_once()
    {
        var queue = Open(cap: 10);
        Take(queue, "O-1", 8);

        var again = Take(queue, "O-1", 8);

        Assert.True(again.Accepted);
        Assert.Equal(8, queue.Preordered);
    }

    [Fact]
    public void A_withdrawn_pre_order_gives_its_units_back_to_the_cap_and_a_filled_one_keeps_them()
    {
        var queue = Open(cap: 10);
        Take(queue, "O-1", 4);
        Take(queue, "O-2", 6);

        queue.RecordFill(queue.Find("O-1", "L1")!, 4);
        queue.Withdraw("O-2", "L1");

        Assert.Equal((4L, 6L), (queue.Preordered, queue.PreorderRemaining));
    }

    [Fact]
    public void A_supplier_delay_promises_a_pre_order_again_with_a_notice_for_its_order()
    {
        var queue = Open(cap: 10);
        Take(queue, "O-1", 4);

        queue.Promise(0, [new SupplyLine("PO-1", 30, Eta.AddDays(7))], Now);

        var notice = Assert.Single(queue.NoticesFor("O-1"));
        Assert.Equal((BackorderNoticeKind.Repromised, Eta.AddDays(7), Eta), (notice.Kind, notice.PromisedDate, notice.PreviousPromisedDate));
    }
}
