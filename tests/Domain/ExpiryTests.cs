using Grid.Domain;
using Microsoft.Extensions.Time.Testing;
using static Grid.Tests.Domain.InventoryBuilder;

namespace Grid.Tests.Domain;

[Trait("Category", "Domain")]
public sealed class ExpiryTests
{
    private readonly FakeTimeProvider _clock = new(T0);

    private DateTimeOffset Now => _clock.GetUtcNow();

    [Fact]
    public void A_reservation_without_a_ttl_expires_after_the_default()
    {
        var inventory = WithOnHand(10);

        var reservation = inventory.Reserve("r1", 4, Now).Reservation!;

        Assert.Equal(Now + InventoryRules.Default.DefaultReservationTtl, reservation.ExpiresAt);
    }

    [Fact]
    public void A_ttl_beyond_the_maximum_is_capped()
    {
        var inventory = WithOnHand(10);

        var reservation = inventory.Reserve("r1", 4, Now, ttlSeconds: 10 * 86_400).Reservation!;

        Assert.Equal(Now + InventoryRules.Default.MaxReservationTtl, reservation.ExpiresAt);
    }

    [Fact]
    public void Nothing_expires_before_its_time()
    {
        var inventory = WithOnHand(10);
        inventory.Reserve("r1", 4, Now, ttlSeconds: 60);

        _clock.Advance(TimeSpan.FromSeconds(59));

        Assert.Empty(inventory.ExpireDue(Now));
        Assert.Equal(4, inventory.Reserved);
    }

    [Fact]
    public void An_active_reservation_expires_at_its_time_and_its_stock_returns()
    {
        var inventory = WithOnHand(10);
        inventory.Reserve("r1", 4, Now, ttlSeconds: 60);

        _clock.Advance(TimeSpan.FromSeconds(60));
        var expired = inventory.ExpireDue(Now);

        Assert.Equal(ReservationState.Expired, Assert.Single(expired).State);
        Assert.Equal(ReservationState.Expired, inventory.Reservations["r1"].State);
        Assert.Equal(10, inventory.AvailableFor(null));
    }

    [Fact]
    public void Expiry_follows_the_order_of_expiry_times()
    {
        var inventory = WithOnHand(10);
        inventory.Reserve("late", 1, Now, ttlSeconds: 300);
        inventory.Reserve("early", 1, Now, ttlSeconds: 30);

        Assert.Equal(Now.AddSeconds(30), inventory.NextExpiry);
        _clock.Advance(TimeSpan.FromSeconds(31));

        Assert.Equal("early", Assert.Single(inventory.ExpireDue(Now)).Id);
        Assert.Equal(Now.AddSeconds(269), inventory.NextExpiry);
    }

    [Fact]
    public void An_extended_reservation_expires_at_its_new_time()
    {
        var inventory = WithOnHand(10);
        inventory.Reserve("r1", 4, Now, ttlSeconds: 60);
        _clock.Advance(TimeSpan.FromSeconds(50));

        inventory.Extend("r1", 120, Now, InventoryRules.Default);
        _clock.Advance(TimeSpan.FromSeconds(20));

        Assert.Empty(inventory.ExpireDue(Now));
        _clock.Advance(TimeSpan.FromSeconds(100));
        Assert.Single(inventory.ExpireDue(Now));
    }

    [Fact]
    public void An_expired_reservation_cannot_be_extended_or_committed()
    {
        var inventory = WithOnHand(10);
        inventory.Reserve("r1", 4, Now, ttlSeconds: 60, orderId: "o1");
        _clock.Advance(TimeSpan.FromMinutes(2));
        inventory.ExpireDue(Now);

        Assert.Equal(DecisionCode.NotActive, inventory.Extend("r1", 60, Now, InventoryRules.Default).Code);
        Assert.Equal(DecisionCode.NotActive, inventory.Commit("r1", null, Now).Code);
        Assert.Equal(DecisionCode.Ok, inventory.Release("r1", Now).Code);
    }

    [Fact]
    public void Committed_and_released_reservations_do_not_expire()
    {
        var inventory = WithOnHand(10);
        inventory.Reserve("c", 4, Now, ttlSeconds: 60, orderId: "o1");
        inventory.Reserve("r", 4, Now, ttlSeconds: 60);
        inventory.Commit("c", null, Now);
        inventory.Release("r", Now);

        _clock.Advance(TimeSpan.FromMinutes(5));

        Assert.Empty(inventory.ExpireDue(Now));
        Assert.Null(inventory.NextExpiry);
        Assert.Equal(4, inventory.Allocated);
    }

    [Fact]
    public void Expiry_survives_a_round_trip_through_storage()
    {
        var inventory = WithOnHand(10);
        inventory.Reserve("r1", 4, Now, ttlSeconds: 60);
        var stored = System.Text.Json.JsonSerializer.Serialize(inventory.Copy());

        var reloaded = System.Text.Json.JsonSerializer.Deserialize<SkuLocationInventory>(stored)!;
        _clock.Advance(TimeSpan.FromSeconds(61));

        Assert.Single(reloaded.ExpireDue(Now));
        Assert.Equal(10, reloaded.AvailableFor(null));
    }

    [Fact]
    public void Closed_reservations_are_forgotten_after_the_retention()
    {
        var inventory = WithOnHand(10);
        inventory.Reserve("r1", 4, Now);
        inventory.Release("r1", Now);

        _clock.Advance(InventoryRules.Default.ClosedReservationRetention + TimeSpan.FromSeconds(1));

        Assert.Equal(1, inventory.PruneClosedReservations(Now, InventoryRules.Default));
        Assert.Equal(DecisionCode.NotFound, inventory.GetReservation("r1").Code);
    }
}
