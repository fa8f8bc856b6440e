using Grid.Domain.Orders;
using static Grid.Tests.Domain.Orders.OrderBuilder;

namespace Grid.Tests.Domain.Orders;

[Trait("Category", "Domain")]
public sealed class OrderReturnTests
{
    private static Order Delivered()
    {
        var order = Released();
        order.Ship("S1", 10);
        order.RecordDelivery("S1", T0, null, T0);
        return order;
    }

    private static OrderDecision Receive(Order order, long quantity, ReturnDisposition disposition, string returnId = "RMA-1")
        => order.ReceiveReturn(NextEvent(), returnId, "SKU-1", "DC1", quantity, disposition, T0);

    [Fact]
    public void A_return_of_shipped_units_is_authorized()
    {
        var order = Delivered();

        var decision = order.AuthorizeReturn("RMA-1", [new ReturnLineRequest("L1", 4)], T0);

        Assert.Equal(OrderOutcome.Changed, decision.Outcome);
        var authorization = Assert.Single(order.Returns);
        Assert.Equal(ReturnStatus.Authorized, authorization.Status);
        Assert.Equal(4, order.Lines[0].ReturnAuthorized);
        Assert.Equal(OrderStatus.Delivered, order.Status);
    }

    [Fact]
    public void A_return_of_more_than_shipped_is_invalid_naming_the_quantity()
    {
        var order = Delivered();
        order.AuthorizeReturn("RMA-1", [new ReturnLineRequest("L1", 8)], T0);

        var decision = order.AuthorizeReturn("RMA-2", [new ReturnLineRequest("L1", 3)], T0);

        Assert.Equal(OrderOutcome.Invalid, decision.Outcome);
        Assert.Equal("lines[0].quantity", decision.Field);
        Assert.Single(order.Returns);
    }

    [Fact]
    public void The_same_return_again_is_recognised_and_a_different_one_under_its_id_conflicts()
    {
        var order = Delivered();
        order.AuthorizeReturn("RMA-1", [new ReturnLineRequest("L1", 4)], T0);

        Assert.Equal(OrderOutcome.Unchanged, order.AuthorizeReturn("RMA-1", [new ReturnLineRequest("L1", 4)], T0).Outcome);
        Assert.Equal(OrderOutcome.Conflict, order.AuthorizeReturn("RMA-1", [new ReturnLineRequest("L1", 5)], T0).Outcome);
    }

    [Theory]
    [InlineData(ReturnDisposition.Restock)]
    [InlineData(ReturnDisposition.Quarantine)]
    [InlineData(ReturnDisposition.Scrap)]
    public void Returned_units_are_recorded_by_disposition_and_close_the_return_when_all_are_back(ReturnDisposition disposition)
    {
        var order = Delivered();
        order.AuthorizeReturn("RMA-1", [new ReturnLineRequest("L1", 4)], T0);

        Receive(order, 4, disposition);

        var authorization = order.Returns[0];
        var line = authorization.Lines[0];
        Assert.Equal(disposition == ReturnDisposition.Restock ? 4 : 0, line.Restocked);
        Assert.Equal(disposition == ReturnDisposition.Quarantine ? 4 : 0, line.Quarantined);
        Assert.Equal(disposition == ReturnDisposition.Scrap ? 4 : 0, line.Scrapped);
        Assert.Equal(ReturnStatus.Closed, authorization.Status);
        Assert.Equal([ReturnStatus.Authorized, ReturnStatus.Received, ReturnStatus.Closed], authorization.History.Select(h => h.Status));
        Assert.Equal(4, authorization.CreditMemoQuantity);
        Assert.Empty(order.Exceptions);
    }

    [Fact]
    public void A_return_received_in_part_stays_open()
    {
        var order = Delivered();
        order.AuthorizeReturn("RMA-1", [new ReturnLineRequest("L1", 4)], T0);

        Receive(order, 3, ReturnDisposition.Restock);

        Assert.Equal(ReturnStatus.PartiallyReceived, order.Returns[0].Status);
    }

    [Fact]
    public void Units_received_without_an_authorization_are_raised()
    {
        var order = Delivered();

        Receive(order, 2, ReturnDisposition.Restock, returnId: "RMA-X");

        Assert.Equal(OrderExceptionKind.UnauthorizedReturn, Assert.Single(order.Exceptions).Kind);
    }

    [Fact]
    public void Units_received_beyond_the_authorization_are_raised()
    {
        var order = Delivered();
        order.AuthorizeReturn("RMA-1", [new ReturnLineRequest("L1", 2)], T0);

        Receive(order, 3, ReturnDisposition.Restock);

        Assert.Equal(OrderExceptionKind.ReturnOverReceipt, Assert.Single(order.Exceptions).Kind);
        Assert.Equal(3, order.Returns[0].Lines[0].Restocked);
    }
}
