using Grid.Domain;
using Grid.Silo.Storage;

namespace Grid.Tests.Domain;

/// <summary>How a SKU-location recognises an event redelivered from its durable queue.</summary>
[Trait("Category", "Domain")]
public sealed class DeliveryMarkTests
{
    [Fact]
    public void Nothing_has_been_delivered_to_a_new_inventory()
    {
        var inventory = new SkuLocationInventory("SKU-1", "DC1");

        Assert.False(inventory.WasDelivered(new DeliveryMark(1, 1, 0)));
    }

    [Fact]
    public void A_mark_at_or_before_the_last_one_applied_is_a_redelivery()
    {
        var inventory = new SkuLocationInventory("SKU-1", "DC1");
        inventory.MarkDelivered(new DeliveryMark(100, 7, 2));

        Assert.True(inventory.WasDelivered(new DeliveryMark(100, 7, 2)));
        Assert.True(inventory.WasDelivered(new DeliveryMark(100, 7, 1)));
        Assert.True(inventory.WasDelivered(new DeliveryMark(100, 6, 9)));
        Assert.True(inventory.WasDelivered(new DeliveryMark(99, 50, 0)));
    }

    [Fact]
    public void A_later_transaction_is_new_even_with_a_lower_message_id()
    {
        // Queues are read in (transaction, message) order: a message id taken earlier by a transaction that committed
        // later sorts after everything its transaction did not precede.
        var inventory = new SkuLocationInventory("SKU-1", "DC1");
        inventory.MarkDelivered(new DeliveryMark(100, 7, 0));

        Assert.False(inventory.WasDelivered(new DeliveryMark(101, 3, 0)));
        Assert.False(inventory.WasDelivered(new DeliveryMark(100, 7, 1)));
    }

    [Fact]
    public void The_last_mark_is_stored_with_the_state()
    {
        var inventory = new SkuLocationInventory("SKU-1", "DC1");
        inventory.MarkDelivered(new DeliveryMark(100, 7, 3));

        var stored = InventoryStateSerializer.DeserializeHeader(InventoryStateSerializer.Serialize(inventory.TakeChanges().Header));

        Assert.Equal(new DeliveryMark(100, 7, 3), stored.LastDelivery);
    }

    [Fact]
    public void An_older_mark_does_not_move_the_last_one_back()
    {
        var inventory = new SkuLocationInventory("SKU-1", "DC1");
        inventory.MarkDelivered(new DeliveryMark(100, 7, 0));

        Assert.False(inventory.MarkDelivered(new DeliveryMark(90, 1, 0)));
        Assert.Equal(new DeliveryMark(100, 7, 0), inventory.LastDelivery);
    }
}
