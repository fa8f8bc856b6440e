using System.Text.Json;
using Grid.Domain.Orders;
using static Grid.Tests.Domain.Orders.OrderBuilder;

namespace Grid.Tests.Domain.Orders;

/// <summary>Order state is stored as System.Text.Json (the "grid" storage's format): everything must come back.</summary>
[Trait("Category", "Domain")]
public sealed class OrderStorageTests
{
    [Fact]
    public void An_order_with_every_kind_of_record_round_trips_through_json()
    {
        var order = Submitted(allowSplit: true, Line("L1", "SKU-1", 10), Line("L2", "SKU-2", 5, "DC2"));
        order.Sourced(Stock(("SKU-1@DC1", 6), ("SKU-2@DC2", 5)));
        order.ApplyShortPick(NextEvent(), "L2", "SKU-2", "DC2", 1, T0);
        order.Pick(6);
        order.ConfirmShipment(NextEvent(), "S1", "DC1", "UPS", "1Z", [new ShipmentLine("L1", "SKU-1", 6)], T0);
        order.RecordDelivery("S1", T0, "signed", T0);
        order.AuthorizeReturn("RMA-1", [new ReturnLineRequest("L1", 2)], T0);
        order.ReceiveReturn(NextEvent(), "RMA-1", "SKU-1", "DC1", 1, ReturnDisposition.Quarantine, T0);
        order.MarkDelivered(new Grid.Domain.DeliveryMark(3, 4, 5));

        var json = JsonSerializer.Serialize(order);
        var back = JsonSerializer.Deserialize<Order>(json)!;

        Assert.Equal(json, JsonSerializer.Serialize(back));
        Assert.Equal(order.Status, back.Status);
        Assert.Equal(4, back.Lines[0].Backorders["DC1"].Quantity);
        Assert.Equal(["DC2"], back.Lines[1].ExcludedLocations);
        Assert.Equal(ReturnStatus.PartiallyReceived, back.Returns[0].Status);
        Assert.True(back.WasDelivered(new Grid.Domain.DeliveryMark(3, 4, 5)));
    }

    [Fact]
    public void A_backorder_queue_round_trips_through_json()
    {
        var queue = new BackorderQueue();
        queue.Enqueue("A", "L1", "web", 5, T0);
        queue.Promise(0, [new SupplyLine("PO-1", 5, T0.AddDays(3))], T0);
        queue.RecordFill(queue.Entries[0], 2);

        var json = JsonSerializer.Serialize(queue);

        Assert.Equal(json, JsonSerializer.Serialize(JsonSerializer.Deserialize<BackorderQueue>(json)));
    }
}
