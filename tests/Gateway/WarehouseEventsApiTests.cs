using System.Net;
using System.Text.Json;

namespace Grid.Tests.Gateway;

/// <summary><c>POST /api/v1/warehouse/events</c>: per-item results, at most once per (source, eventId).</summary>
[Trait("Category", "Gateway")]
[Collection(GridApiCollection.Name)]
public sealed class WarehouseEventsApiTests(GridApiFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task A_receipt_puts_stock_on_hand_and_is_accepted_with_202()
    {
        var sku = TestIds.New("SKU");

        var result = await _client.SendEventsAsync(GridHttp.Receipt(sku, 25));

        Assert.Equal(1, result.GetProperty("accepted").GetInt32());
        Assert.Empty(result.GetProperty("rejected").EnumerateArray());
        Assert.Equal(25, await _client.AvailableAsync(sku));
    }

    [Fact]
    public async Task An_event_without_a_sku_is_rejected_alone_and_the_valid_one_beside_it_is_applied()
    {
        var sku = TestIds.New("SKU");
        var badId = TestIds.New("EV");

        var result = await _client.SendEventsAsync(
            GridHttp.Receipt(sku, 10),
            GridHttp.Event("receipt", null, GridHttp.Dc1, badId, null, ("quantity", 5)));

        Assert.Equal(1, result.GetProperty("accepted").GetInt32());
        var rejected = Assert.Single(result.GetProperty("rejected").EnumerateArray());
        Assert.Equal(1, rejected.GetProperty("index").GetInt32());
        Assert.Equal(badId, rejected.GetProperty("eventId").GetString());
        Assert.Contains("sku", rejected.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(10, await _client.AvailableAsync(sku));
    }

    [Fact]
    public async Task An_event_with_zero_quantity_is_rejected_and_changes_nothing()
    {
        var good = TestIds.New("SKU");
        var bad = TestIds.New("SKU");
        var badId = TestIds.New("EV");

        var result = await _client.SendEventsAsync(
            GridHttp.Receipt(bad, 0, eventId: badId),
            GridHttp.Receipt(good, 10));

        Assert.Equal(1, result.GetProperty("accepted").GetInt32());
        var rejected = Assert.Single(result.GetProperty("rejected").EnumerateArray());
        Assert.Equal(0, rejected.GetProperty("index").GetInt32());
        Assert.Equal(badId, rejected.GetProperty("eventId").GetString());
        Assert.Contains("quantity", rejected.GetProperty("error").GetString(), StringComparison.Ordinal);

        var untouched = await _client.GetAtpAsync(bad);
        Assert.Equal(0, untouched.GetProperty("available").GetInt64());
        Assert.Empty(untouched.GetProperty("locations").EnumerateArray());
        Assert.Empty((await _client.GetInventoryAsync(bad)).GetProperty("recentMovements").EnumerateArray());
        Assert.Equal(10, await _client.AvailableAsync(good));
    }

    [Fact]
    public async Task An_event_of_an_unknown_type_is_rejected_naming_the_type_and_changes_nothing()
    {
        var good = TestIds.New("SKU");
        var bad = TestIds.New("SKU");
        var badId = TestIds.New("EV");

        var result = await _client.SendEventsAsync(
            GridHttp.Receipt(good, 10),
            GridHttp.Event("teleport", bad, GridHttp.Dc1, badId, null, ("quantity", 5)));

        Assert.Equal(1, result.GetProperty("accepted").GetInt32());
        var rejected = Assert.Single(result.GetProperty("rejected").EnumerateArray());
        Assert.Equal(1, rejected.GetProperty("index").GetInt32());
        Assert.Equal(badId, rejected.GetProperty("eventId").GetString());
        Assert.Contains("teleport", rejected.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty((await _client.GetAtpAsync(bad)).GetProperty("locations").EnumerateArray());
        Assert.Equal(10, await _client.AvailableAsync(good));
    }

    [Fact]
    public async Task A_value_of_the_wrong_JSON_type_in_one_event_rejects_only_that_event()
    {
        var good = TestIds.New("SKU");
        var bad = TestIds.New("SKU");
        var badId = TestIds.New("EV");

        var result = await _client.SendEventsAsync(
            GridHttp.Event("receipt", bad, GridHttp.Dc1, badId, null, ("quantity", "ten")),
            GridHttp.Receipt(good, 10));

        Assert.Equal(1, result.GetProperty("accepted").GetInt32());
        var rejected = Assert.Single(result.GetProperty("rejected").EnumerateArray());
        Assert.Equal(0, rejected.GetProperty("index").GetInt32());
        Assert.Equal(badId, rejected.GetProperty("eventId").GetString());
        Assert.Contains("quantity", rejected.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty((await _client.GetAtpAsync(bad)).GetProperty("locations").EnumerateArray());
        Assert.Equal(10, await _client.AvailableAsync(good));
    }

    [Fact]
    public async Task A_quantity_given_as_a_numeric_string_in_one_event_rejects_only_that_event()
    {
        var good = TestIds.New("SKU");
        var bad = TestIds.New("SKU");
        var badId = TestIds.New("EV");

        var result = await _client.SendEventsAsync(
            GridHttp.Event("receipt", bad, GridHttp.Dc1, badId, null, ("quantity", "10")),
            GridHttp.Receipt(good, 10));

        var rejected = Assert.Single(result.GetProperty("rejected").EnumerateArray());
        Assert.Equal(badId, rejected.GetProperty("eventId").GetString());
        Assert.Contains("quantity", rejected.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty((await _client.GetAtpAsync(bad)).GetProperty("locations").EnumerateArray());
    }

    [Fact]
    public async Task A_pick_without_orderId_is_rejected_naming_orderId_and_changes_nothing()
    {
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 10);

        var result = await _client.SendEventsAsync(
            GridHttp.Event("pick", sku, GridHttp.Dc1, null, null, ("quantity", 2), ("lineId", "L1")));

        Assert.Equal(0, result.GetProperty("accepted").GetInt32());
        var rejected = Assert.Single(result.GetProperty("rejected").EnumerateArray());
        Assert.Contains("orderId", rejected.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(10, (await _client.GetInventoryAsync(sku)).GetProperty("onHand").GetInt64());
    }

    [Fact]
    public async Task A_pick_for_a_committed_order_takes_stock_off_hand_and_the_allocation_with_it()
    {
        var sku = TestIds.New("SKU");
        var reservationId = TestIds.New("RES");
        var orderId = TestIds.New("ORD");
        await _client.ReceiveAsync(sku, 10);
        await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 4, reservationId, orderId: orderId));
        await _client.SubmitOrderTakingAsync(orderId, sku, 4, reservationId);
        using (var committed = await _client.CommitAsync(sku, reservationId, body: null))
        {
            Assert.Equal(HttpStatusCode.OK, committed.StatusCode);
        }

        var result = await _client.SendEventsAsync(
            GridHttp.Event("pick", sku, GridHttp.Dc1, null, null, ("quantity", 4), ("orderId", orderId), ("lineId", "L1")));

        Assert.Equal(1, result.GetProperty("accepted").GetInt32());

        // The order applies the pick, then gives back the allocation it came from: a moment apart.
        await Eventually.ThatAsync(async () => (await _client.GetInventoryAsync(sku)).GetProperty("allocated").GetInt64() == 0, "the allocation given back");
        var detail = await _client.GetInventoryAsync(sku);
        Assert.Equal(6, detail.GetProperty("onHand").GetInt64());
        Assert.Empty(detail.GetProperty("allocations").EnumerateArray());
        Assert.Equal(6, await _client.AvailableAsync(sku));
    }

    [Fact]
    public async Task An_event_that_is_not_a_JSON_object_is_rejected_by_its_index()
    {
        var good = TestIds.New("SKU");

        using var response = await _client.PostRawJsonAsync(
            "/api/v1/warehouse/events",
            $$"""{"events":[42, {"eventId":"{{TestIds.New("EV")}}","source":"wms-test","occurredAt":"{{DateTimeOffset.UtcNow:O}}","type":"receipt","sku":"{{good}}","location":"DC1","quantity":3}]}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var result = await response.ReadJsonAsync();
        Assert.Equal(1, result.GetProperty("accepted").GetInt32());
        var rejected = Assert.Single(result.GetProperty("rejected").EnumerateArray());
        Assert.Equal(0, rejected.GetProperty("index").GetInt32());
        Assert.Equal(JsonValueKind.Null, rejected.GetProperty("eventId").ValueKind);
        await Eventually.ThatAsync(async () => await _client.AvailableAsync(good) == 3, "the valid receipt applied");
    }

    [Fact]
    public async Task The_same_event_sent_twice_is_counted_once()
    {
        var sku = TestIds.New("SKU");
        var receipt = GridHttp.Receipt(sku, 10);

        var first = await _client.SendEventsAsync(receipt);
        var second = await _client.SendEventsAsync(receipt);
        await _client.ReceiveAsync(sku, 1); // applied after the repeat, which has been dealt with by then

        Assert.Equal(1, first.GetProperty("accepted").GetInt32());
        Assert.Equal(1, second.GetProperty("accepted").GetInt32());
        Assert.Empty(second.GetProperty("rejected").EnumerateArray());
        Assert.Equal(11, (await _client.GetInventoryAsync(sku)).GetProperty("onHand").GetInt64());
        Assert.Equal(11, await _client.AvailableAsync(sku));
    }

    [Fact]
    public async Task The_same_event_twice_in_one_batch_is_counted_once()
    {
        var sku = TestIds.New("SKU");
        var receipt = GridHttp.Receipt(sku, 10);

        var result = await _client.SendEventsAsync(receipt, receipt);

        Assert.Empty(result.GetProperty("rejected").EnumerateArray());
        Assert.Equal(10, (await _client.GetInventoryAsync(sku)).GetProperty("onHand").GetInt64());
    }

    [Fact]
    public async Task The_same_event_id_from_another_source_is_a_different_event()
    {
        var sku = TestIds.New("SKU");
        var eventId = TestIds.New("EV");
        var fromOne = GridHttp.Receipt(sku, 10, eventId: eventId);
        var fromOther = GridHttp.Receipt(sku, 10, eventId: eventId);
        fromOther["source"] = "wms-other";

        await _client.SendEventsAsync(fromOne, fromOther);

        Assert.Equal(20, (await _client.GetInventoryAsync(sku)).GetProperty("onHand").GetInt64());
    }

    [Fact]
    public async Task A_cycle_count_sets_on_hand_to_the_counted_quantity()
    {
        var sku = TestIds.New("SKU");
        var now = DateTimeOffset.UtcNow;
        await _client.SendEventsAsync(GridHttp.Receipt(sku, 100, occurredAt: now.AddMinutes(-10)));

        var result = await _client.SendEventsAsync(
            GridHttp.Event("cycleCount", sku, GridHttp.Dc1, null, now.AddMinutes(-1), ("countedQuantity", 40)));

        Assert.Equal(1, result.GetProperty("accepted").GetInt32());
        var detail = await _client.GetInventoryAsync(sku);
        Assert.Equal(40, detail.GetProperty("onHand").GetInt64());
        Assert.Equal("cycleCount", detail.GetProperty("recentMovements").EnumerateArray().First().GetProperty("type").GetString());
        Assert.Equal(40, await _client.AvailableAsync(sku));
    }

    [Fact]
    public async Task A_movement_that_occurred_before_the_last_cycle_count_does_not_change_on_hand()
    {
        var sku = TestIds.New("SKU");
        var now = DateTimeOffset.UtcNow;
        await _client.SendEventsAsync(
            GridHttp.Event("cycleCount", sku, GridHttp.Dc1, null, now.AddMinutes(-1), ("countedQuantity", 40)));

        using var stale = await _client.PostEventsAsync(GridHttp.Receipt(sku, 5, occurredAt: now.AddMinutes(-30)));
        var result = await stale.ReadJsonAsync();
        await _client.ReceiveAsync(sku, 1);

        Assert.Equal(1, result.GetProperty("accepted").GetInt32());
        Assert.Empty(result.GetProperty("rejected").EnumerateArray());
        Assert.Equal(41, (await _client.GetInventoryAsync(sku)).GetProperty("onHand").GetInt64());
    }

    [Fact]
    public async Task A_cycle_count_without_countedQuantity_is_rejected_naming_countedQuantity()
    {
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 100);

        var result = await _client.SendEventsAsync(
            GridHttp.Event("cycleCount", sku, GridHttp.Dc1, null, null, ("quantity", 40)));

        Assert.Equal(0, result.GetProperty("accepted").GetInt32());
        var rejected = Assert.Single(result.GetProperty("rejected").EnumerateArray());
        Assert.Contains("countedQuantity", rejected.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(100, (await _client.GetInventoryAsync(sku)).GetProperty("onHand").GetInt64());
    }

    [Fact]
    public async Task A_signed_adjustment_moves_on_hand_down()
    {
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 100);

        var result = await _client.SendEventsAsync(
            GridHttp.Event("adjustment", sku, GridHttp.Dc1, null, null, ("quantity", -7), ("reason", "breakage")));

        Assert.Equal(1, result.GetProperty("accepted").GetInt32());
        Assert.Equal(93, await _client.AvailableAsync(sku));
    }

    [Fact]
    public async Task Damaged_stock_is_on_hand_but_not_available()
    {
        var sku = TestIds.New("SKU");
        await _client.ReceiveAsync(sku, 100);

        await _client.SendEventsAsync(GridHttp.Event("damage", sku, GridHttp.Dc1, null, null, ("quantity", 15)));

        var detail = await _client.GetInventoryAsync(sku);
        Assert.Equal(100, detail.GetProperty("onHand").GetInt64());
        Assert.Equal(15, detail.GetProperty("damaged").GetInt64());
        Assert.Equal(85, await _client.AvailableAsync(sku));
    }

    [Fact]
    public async Task An_event_without_occurredAt_is_rejected_naming_occurredAt()
    {
        var sku = TestIds.New("SKU");
        var receipt = GridHttp.Receipt(sku, 10);
        receipt.Remove("occurredAt");

        var result = await _client.SendEventsAsync(receipt);

        Assert.Equal(0, result.GetProperty("accepted").GetInt32());
        var rejected = Assert.Single(result.GetProperty("rejected").EnumerateArray());
        Assert.Contains("occurredAt", rejected.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty((await _client.GetAtpAsync(sku)).GetProperty("locations").EnumerateArray());
    }

    [Fact]
    public async Task More_than_1000_events_are_refused_whole_with_400_naming_events_and_none_is_applied()
    {
        var sku = TestIds.New("SKU");
        var events = Enumerable.Range(0, 1001).Select(_ => (object)GridHttp.Receipt(sku, 1)).ToArray();

        using var response = await _client.PostEventsAsync(events);

        await response.AssertBadRequestNamingAsync("events");
        var atp = await _client.GetAtpAsync(sku);
        Assert.Equal(0, atp.GetProperty("available").GetInt64());
        Assert.Empty(atp.GetProperty("locations").EnumerateArray());
    }

    [Fact]
    public async Task Exactly_1000_events_are_accepted()
    {
        var sku = TestIds.New("SKU");
        var events = Enumerable.Range(0, 1000).Select(_ => (object)GridHttp.Receipt(sku, 1)).ToArray();

        var result = await _client.SendEventsAsync(events);

        Assert.Equal(1000, result.GetProperty("accepted").GetInt32());
        Assert.Equal(1000, await _client.AvailableAsync(sku));
    }

    [Fact]
    public async Task A_batch_without_events_is_refused_with_400_naming_events()
    {
        using var response = await _client.PostRawJsonAsync("/api/v1/warehouse/events", """{"items":[]}""");

        await response.AssertBadRequestNamingAsync("events");
    }
}
