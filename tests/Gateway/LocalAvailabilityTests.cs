using System.Collections.Immutable;
using Grid.Inventory;
using Orleans.Core.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Tests.Gateway;

/// <summary>
/// In the silo that holds a SKU's grain, the API answers network ATP from the grain's view without calling it; the
/// view is the grain's own figures, a reservation shows in it before its caller is answered, and it goes with the grain.
/// </summary>
[Trait("Category", "Gateway")]
[Collection(GridApiCollection.Name)]
public sealed class LocalAvailabilityTests(GridApiFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    private LocalSkuViews Views => factory.Services.GetRequiredService<LocalSkuViews>();

    private IGrainFactory Grains => factory.Services.GetRequiredService<IGrainFactory>();

    [Fact]
    public async Task A_SKU_grain_active_in_this_silo_answers_reads_from_its_view_with_the_figures_it_would_give()
    {
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 100, GridHttp.Dc1);
        await _client.ReceiveAsync(sku, 40, GridHttp.Dc2);
        await _client.GetAtpAsync(sku);

        Assert.True(Views.TryGetAvailability(sku, new AvailabilityQuery(), [], out var local));
        var called = await Grains.GetGrain<ISkuGrain>(Identifiers.SkuGrainKey(sku)).GetAvailability(new AvailabilityQuery(), []);
        Assert.Equal(140, local.Available);
        Assert.Equal(called.Available, local.Available);
        Assert.Equal(called.Locations.Select(l => (l.Location, l.Available, l.OnHand)), local.Locations.Select(l => (l.Location, l.Available, l.OnHand)));
    }

    [Fact]
    public async Task A_reservation_is_in_the_view_by_the_time_its_caller_is_answered()
    {
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 100);
        await _client.GetAtpAsync(sku);

        await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 30));

        Assert.True(Views.TryGetAvailability(sku, new AvailabilityQuery(), [GridHttp.Dc1], out var local));
        Assert.Equal(70, local.Available);
    }

    [Fact]
    public async Task A_SKU_grain_that_deactivates_takes_its_view_away_and_the_next_read_calls_it_again()
    {
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 100);
        await _client.GetAtpAsync(sku);
        Assert.True(Views.TryGetAvailability(sku, new AvailabilityQuery(), [], out _));

        await Grains.GetGrain<ISkuGrain>(Identifiers.SkuGrainKey(sku)).Cast<IGrainManagementExtension>().DeactivateOnIdle();

        await Eventually.ThatAsync(() => Task.FromResult(!Views.TryGetAvailability(sku, new AvailabilityQuery(), [], out _)), $"the view of {sku} to go");
        Assert.Equal(100, await _client.AvailableAsync(sku));
        Assert.True(Views.TryGetAvailability(sku, new AvailabilityQuery(), [], out _));
    }

    [Fact]
    public async Task A_SKU_with_a_product_allocation_asks_its_grain_for_a_channels_answer()
    {
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 100);
        await Grains.GetGrain<ISkuGrain>(Identifiers.SkuGrainKey(sku)).SetAllocationControlled(true);

        Assert.False(Views.TryGetAvailability(sku, new AvailabilityQuery(Channel: "web"), ImmutableArray<string>.Empty, out _));
        Assert.True(Views.TryGetAvailability(sku, new AvailabilityQuery(), ImmutableArray<string>.Empty, out var all));
        Assert.Equal(100, all.Available);
    }
}
