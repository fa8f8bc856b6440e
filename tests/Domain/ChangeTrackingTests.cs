using Grid.Domain;
using static Grid.Tests.Domain.InventoryBuilder;

namespace Grid.Tests.Domain;

[Trait("Category", "Domain")]
public sealed class ChangeTrackingTests
{
    [Fact]
    public void Changes_hold_only_the_reservations_touched_since_the_last_write()
    {
        var inventory = WithOnHand(1_000);
        for (var i = 0; i < 500; i++)
        {
            inventory.Reserve($"r{i}", 1, T0);
        }

        inventory.TakeChanges();
        inventory.Reserve("new", 1, T0);
        inventory.Release("r7", T0);

        var changes = inventory.TakeChanges();

        Assert.Equal(["new", "r7"], changes.ChangedReservations.Select(r => r.Id).Order(StringComparer.Ordinal));
        Assert.Empty(changes.Header.Reservations);
        Assert.Equal(500, changes.Header.Reserved);
    }

    [Fact]
    public void Taking_changes_twice_gives_nothing_the_second_time()
    {
        var inventory = WithOnHand(10);
        inventory.Reserve("r1", 1, T0);
        inventory.TakeChanges();

        var again = inventory.TakeChanges();

        Assert.Empty(again.ChangedReservations);
        Assert.Empty(again.RemovedReservations);
    }

    [Fact]
    public void Forgotten_reservations_are_reported_as_removed()
    {
        var inventory = WithOnHand(10);
        inventory.Reserve("r1", 1, T0);
        inventory.Release("r1", T0);
        inventory.TakeChanges();

        inventory.PruneClosedReservations(T0 + InventoryRules.Default.ClosedReservationRetention + TimeSpan.FromSeconds(1), InventoryRules.Default);
        var changes = inventory.TakeChanges();

        Assert.Equal(["r1"], changes.RemovedReservations);
        Assert.Empty(changes.ChangedReservations);
    }

    [Fact]
    public void The_header_is_a_copy_that_later_commands_do_not_change()
    {
        var inventory = WithOnHand(10);
        var header = inventory.TakeChanges().Header;

        inventory.Receive(5, T0);
        inventory.Reserve("r1", 3, T0);

        Assert.Equal(10, header.OnHand);
        Assert.Equal(0, header.Reserved);
    }

    [Fact]
    public void An_inventory_rebuilt_from_header_and_reservations_behaves_as_the_original()
    {
        var inventory = WithOnHand(10);
        inventory.Reserve("r1", 4, T0, ttlSeconds: 60);
        inventory.Reserve("r2", 2, T0, ttlSeconds: 600);
        var changes = inventory.TakeChanges();

        var rebuilt = System.Text.Json.JsonSerializer.Deserialize<SkuLocationInventory>(System.Text.Json.JsonSerializer.Serialize(changes.Header))!;
        rebuilt.RestoreReservations(changes.ChangedReservations);

        Assert.Equal(4, rebuilt.AvailableFor(null));
        Assert.Equal(DecisionCode.Ok, rebuilt.Reserve("r1", 4, T0, ttlSeconds: 60).Code);
        Assert.Equal("r1", Assert.Single(rebuilt.ExpireDue(T0.AddSeconds(61))).Id);
        Assert.Equal(8, rebuilt.AvailableFor(null));
    }
}
