using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Grid.Gateway.OpenApi.Contracts;

namespace Grid.Tests.Gateway;

/// <summary>
/// The event types the OpenAPI document describes (Grid.Gateway.OpenApi.Contracts) are what the event endpoints
/// accept: one event of every type, written to the contract with only its required fields, is accepted whole.
/// </summary>
[Trait("Category", "Gateway")]
[Collection(GridApiCollection.Name)]
public sealed class EventContractTests(GridApiFactory factory)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task A_warehouse_event_of_every_documented_type_is_accepted()
    {
        var sku = TestIds.New("SKU");
        var now = DateTimeOffset.UtcNow;
        WarehouseEvent[] events =
        [
            new ReceiptEvent { EventId = TestIds.New("EV"), Source = GridHttp.Source, OccurredAt = now, Sku = sku, Location = GridHttp.Dc1, Quantity = 10 },
            new AdjustmentEvent { EventId = TestIds.New("EV"), Source = GridHttp.Source, OccurredAt = now, Sku = sku, Location = GridHttp.Dc1, Quantity = -1 },
            new CycleCountEvent { EventId = TestIds.New("EV"), Source = GridHttp.Source, OccurredAt = now, Sku = sku, Location = GridHttp.Dc1, CountedQuantity = 9 },
            new DamageEvent { EventId = TestIds.New("EV"), Source = GridHttp.Source, OccurredAt = now, Sku = sku, Location = GridHttp.Dc1, Quantity = 1 },
            new QuarantineEvent { EventId = TestIds.New("EV"), Source = GridHttp.Source, OccurredAt = now, Sku = sku, Location = GridHttp.Dc1, Quantity = 1 },
            new ReleaseQuarantineEvent { EventId = TestIds.New("EV"), Source = GridHttp.Source, OccurredAt = now, Sku = sku, Location = GridHttp.Dc1, Quantity = 1 },
            new TransferOutEvent { EventId = TestIds.New("EV"), Source = GridHttp.Source, OccurredAt = now, Sku = sku, Location = GridHttp.Dc1, Quantity = 1 },
            new TransferInEvent { EventId = TestIds.New("EV"), Source = GridHttp.Source, OccurredAt = now, Sku = sku, Location = GridHttp.Dc2, Quantity = 1 },
            new PickEvent { EventId = TestIds.New("EV"), Source = GridHttp.Source, OccurredAt = now, Sku = sku, Location = GridHttp.Dc1, Quantity = 1, OrderId = TestIds.New("O"), LineId = "1" },
            new ShortPickEvent { EventId = TestIds.New("EV"), Source = GridHttp.Source, OccurredAt = now, Sku = sku, Location = GridHttp.Dc1, MissingQuantity = 1, OrderId = TestIds.New("O"), LineId = "1" },
            new ShipConfirmEvent
            {
                EventId = TestIds.New("EV"), Source = GridHttp.Source, OccurredAt = now, ShipmentId = TestIds.New("SH"), OrderId = TestIds.New("O"), Location = GridHttp.Dc1,
                Lines = [new ShipConfirmLine { LineId = "1", Sku = sku, Quantity = 1 }],
            },
            new ReturnReceivedEvent
            {
                EventId = TestIds.New("EV"), Source = GridHttp.Source, OccurredAt = now, Sku = sku, Location = GridHttp.Dc1, Quantity = 1,
                ReturnId = TestIds.New("R"), OrderId = TestIds.New("O"), Disposition = ReturnedUnitsDisposition.Scrap,
            },
        ];

        var result = await PostAsync("/api/v1/warehouse/events", new WarehouseEventBatch { Events = events });

        Assert.Equal(DocumentedTypes<WarehouseEvent>(), events.Select(e => e.GetType()).ToHashSet());
        Assert.Equal("[]", result.GetProperty("rejected").GetRawText());
        Assert.Equal(events.Length, result.GetProperty("accepted").GetInt32());
    }

    [Fact]
    public async Task A_supplier_event_of_every_documented_type_is_accepted()
    {
        var sku = TestIds.New("SKU");
        var now = DateTimeOffset.UtcNow;
        var po = TestIds.New("PO");
        SupplierEvent[] events =
        [
            new PoAcknowledgedEvent
            {
                EventId = TestIds.New("EV"), Source = "supplier-test", OccurredAt = now, PoId = po,
                Lines = [new SupplyLine { Sku = sku, Location = GridHttp.Dc1, Quantity = 5, Eta = now.AddDays(7) }],
            },
            new AsnEvent
            {
                EventId = TestIds.New("EV"), Source = "supplier-test", OccurredAt = now, AsnId = TestIds.New("ASN"), PoId = po,
                Lines = [new SupplyLine { Sku = sku, Location = GridHttp.Dc1, Quantity = 5, Eta = now.AddDays(6) }],
            },
            new DelayEvent
            {
                EventId = TestIds.New("EV"), Source = "supplier-test", OccurredAt = now, PoId = po, NewEta = now.AddDays(9),
                Lines = [new DelayedLine { Sku = sku, Location = GridHttp.Dc1 }],
            },
        ];

        var result = await PostAsync("/api/v1/supplier/events", new SupplierEventBatch { Events = events });

        Assert.Equal(DocumentedTypes<SupplierEvent>(), events.Select(e => e.GetType()).ToHashSet());
        Assert.Equal("[]", result.GetProperty("rejected").GetRawText());
        Assert.Equal(events.Length, result.GetProperty("accepted").GetInt32());
    }

    private async Task<JsonElement> PostAsync<T>(string path, T batch)
    {
        using var response = await _client.PostAsJsonAsync(path, batch, Json);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    private static HashSet<Type> DocumentedTypes<T>()
        => [.. typeof(T).GetCustomAttributes<JsonDerivedTypeAttribute>().Select(a => a.DerivedType)];
}
