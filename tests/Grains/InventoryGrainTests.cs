using Grid.Inventory;

namespace Grid.Tests.Grains;

[Trait("Category", "Grains")]
[Collection(ClusterCollection.Name)]
public sealed class InventoryGrainTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private DateTimeOffset Now => fixture.Clock.GetUtcNow();

    [Fact]
    public async Task A_malformed_policy_is_refused_naming_the_field_and_changes_nothing()
    {
        var grain = Grains.Inventory(TestIds.New("SKU"));
        await grain.Receive(50, Now);

        var result = await grain.SetPolicy(new InventoryPolicy(5, System.Collections.Immutable.ImmutableDictionary<string, long>.Empty.Add("web", -1)));

        Assert.False(result.Accepted);
        Assert.Equal("ringFences.web", result.Field);
        Assert.Null(result.Availability);
        Assert.Equal(0, (await grain.GetDetail()).SafetyStock);
    }

    [Fact]
    public async Task Stock_and_reservations_survive_deactivation()
    {
        var grain = Grains.Inventory(TestIds.New("SKU"));
        await grain.Receive(50, Now);
        await grain.Reserve(new ReserveStock("r1", "web", 20, TtlSeconds: 600));

        await fixture.Cluster.DeactivateAsync(grain);
        var detail = await grain.GetDetail();

        Assert.Equal(50, detail.OnHand);
        Assert.Equal(20, detail.Reserved);
        Assert.Equal(30, detail.Available);
        Assert.Equal("r1", Assert.Single(detail.Reservations).ReservationId);
    }

    [Fact]
    public async Task A_reservation_expires_on_time_with_no_traffic()
    {
        var grain = Grains.Inventory(TestIds.New("SKU"));
        await grain.Receive(10, Now);
        await grain.Reserve(new ReserveStock("r1", "web", 4, TtlSeconds: 60));

        fixture.Clock.Advance(TimeSpan.FromSeconds(61));
        var availability = await Eventually.ReadAsync(
            () => grain.GetAvailability(AvailabilityQuery.Now), a => a.Available == 10);

        Assert.Equal(10, availability.Available);
        Assert.Equal(ReservationStatus.Expired, (await grain.GetReservation("r1")).Reservation!.Status);
    }

    [Fact]
    public async Task A_reservation_that_fell_due_while_deactivated_expires_on_reactivation()
    {
        var grain = Grains.Inventory(TestIds.New("SKU"));
        await grain.Receive(10, Now);
        await grain.Reserve(new ReserveStock("r1", "web", 4, TtlSeconds: 3600));
        await fixture.Cluster.DeactivateAsync(grain);

        fixture.Clock.Advance(TimeSpan.FromHours(2));
        var result = await grain.GetReservation("r1");

        Assert.Equal(ReservationStatus.Expired, result.Reservation!.Status);
        Assert.Equal(10, (await grain.GetAvailability(AvailabilityQuery.Now)).Available);
    }

    [Fact]
    public async Task Hundreds_of_concurrent_reservations_never_get_more_than_the_stock()
    {
        var grain = Grains.Inventory(TestIds.New("RACE"));
        await grain.Receive(100, Now);

        var attempts = Enumerable.Range(0, 400)
            .Select(i => grain.Reserve(new ReserveStock($"r{i}", i % 2 == 0 ? "web" : "store", 1 + (i % 3), AllowPartial: i % 5 == 0)));
        var results = await Task.WhenAll(attempts);

        var granted = results.Where(r => r.Code == ReservationResultCode.Created).Sum(r => r.Reservation!.Quantity);
        Assert.Equal(100, granted);
        Assert.All(results, r => Assert.True(r.Code is ReservationResultCode.Created or ReservationResultCode.InsufficientStock, r.Detail));

        var detail = await grain.GetDetail();
        Assert.Equal(100, detail.Reserved);
        Assert.Equal(0, detail.Available);
        Assert.Empty(detail.InvariantViolations);
    }

    [Fact]
    public async Task Every_acknowledged_reservation_of_a_burst_is_in_storage()
    {
        var grain = Grains.Inventory(TestIds.New("BURST"));
        await grain.Receive(1_000, Now);

        var results = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => grain.Reserve(new ReserveStock($"r{i}", "web", 2))));
        await fixture.Cluster.DeactivateAsync(grain);
        var detail = await grain.GetDetail();

        Assert.All(results, r => Assert.Equal(ReservationResultCode.Created, r.Code));
        Assert.Equal(300, detail.Reservations.Length);
        Assert.Equal(600, detail.Reserved);
    }

    [Fact]
    public async Task A_replayed_reservation_is_answered_the_same_and_held_once()
    {
        var grain = Grains.Inventory(TestIds.New("SKU"));
        await grain.Receive(10, Now);
        var command = new ReserveStock("r1", "web", 3, TtlSeconds: 300, OrderId: "o-1");

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => grain.Reserve(command)));

        Assert.Single(results, r => r.Code == ReservationResultCode.Created);
        Assert.All(results, r => Assert.Equal(results[0].Reservation, r.Reservation));
        Assert.Equal(7, (await grain.GetAvailability(AvailabilityQuery.Now)).Available);
    }

    [Fact]
    public async Task The_same_event_twice_in_one_batch_is_applied_once()
    {
        var grain = Grains.Inventory(TestIds.New("SKU"));
        var receipt = new WarehouseMovement("e-1", "wms", Now, MovementType.Receipt, 5);

        var outcomes = await grain.ApplyMovements([receipt, receipt]);

        Assert.Equal([MovementOutcomeCode.Applied, MovementOutcomeCode.Duplicate], outcomes.Select(o => o.Code));
        Assert.Equal(5, (await grain.GetDetail()).OnHand);
    }

    [Fact]
    public async Task Availability_carries_its_freshness()
    {
        var grain = Grains.Inventory(TestIds.New("SKU"));
        var eventTime = Now.AddMinutes(-5);
        await grain.Receive(5, eventTime);

        var fresh = await grain.GetAvailability(AvailabilityQuery.Now);
        fixture.Clock.Advance(TimeSpan.FromDays(2));
        var later = await grain.GetAvailability(AvailabilityQuery.Now);

        Assert.Equal(eventTime, fresh.LastWarehouseEventAt);
        Assert.NotNull(fresh.AsOf);
        Assert.False(fresh.Stale);
        Assert.True(later.Stale);
    }

    [Fact]
    public async Task A_never_stocked_location_answers_zero_and_stale()
    {
        var availability = await Grains.Inventory(TestIds.New("SKU")).GetAvailability(AvailabilityQuery.Now);

        Assert.Equal(0, availability.Available);
        Assert.True(availability.Stale);
        Assert.Null(availability.AsOf);
    }
}
