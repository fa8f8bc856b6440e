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
        var sku = Fresh.Sku();
        var now = DateTimeOffset.UtcNow;
        WarehouseEvent[] events =
        [
            new ReceiptEvent { EventId = Fresh.Id("EV"), Source = GridHttp.Source, OccurredAt = now, Sku = sku, Location = GridHttp.Dc1, Quantity = 10 },
            new AdjustmentEvent { EventId = Fresh.Id("EV"), Source = GridHttp.Source, OccurredAt = now, Sku = sku, Location = GridHttp.Dc1, Quantity = -1 },
            new CycleCountEvent { EventId = Fresh.Id("EV"), Source = GridHttp.Source, OccurredAt = now, Sku = sku, Location = GridHttp.Dc1, CountedQuantity = 9 },
            new DamageEvent { EventId = Fresh.Id("EV"), Source = GridHttp.Source, OccurredAt = now, Sku = sku, Location = GridHttp.Dc1, Quantity = 1 },
            new QuarantineEvent { EventId = Fresh.Id("EV"), Source = GridHttp.Source, OccurredAt = now, Sku = sku, Location = GridHttp.Dc1, Quantity = 1 },
            new ReleaseQuarantineEvent { EventId = Fresh.Id("EV"), Source = GridHttp.Source, OccurredAt = now, Sku = sku, Location = GridHttp.Dc1, Quantity = 1 },
            new TransferOutEvent { EventId = Fresh.Id("EV"), Source = GridHttp.Source, OccurredAt = now, Sku = sku, Location = GridHttp.Dc1, Quantity = 1 },
            new TransferInEvent { EventId = Fresh.Id("EV"), Source = GridHttp.Source, OccurredAt = now, Sku = sku, Location = GridHttp.Dc2, Quantity = 1 },
            new PickEvent { EventId = Fresh.Id("EV"), Source = GridHttp.Source, OccurredAt = now, Sku = sku, Location = GridHttp.Dc1, Quantity = 1, OrderId = Fresh.Id("O"), LineId = "1" },
            new ShortPickEvent { EventId = Fresh.Id("EV"), Source = GridHttp.Source, OccurredAt = now, Sku = sku, Location = GridHttp.Dc1, MissingQuantity = 1, OrderId = Fresh.Id("O"), LineId = "1" },
            new ShipConfirmEvent
            {
                EventId = Fresh.Id("EV"), Source = GridHttp.Source, OccurredAt = now, ShipmentId = Fresh.Id("SH"), OrderId = Fresh.Id("O"), Location = GridHttp.Dc1,
                Lines = [new ShipConfirmLine { LineId = "1", Sku = sku, Quantity = 1 }],
            },
            new ReturnReceivedEvent
            {
                EventId = Fresh.Id("EV"), Source = GridHttp.Source, OccurredAt = now, Sku = sku, Location = GridHttp.Dc1, Quantity = 1,
                ReturnId = Fresh.Id("R"), OrderId = Fresh.Id("O"), Disposition = ReturnedUnitsDisposition.Scrap,
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
        var sku = Fresh.Sku();
        var now = DateTimeOffset.UtcNow;
        var po = Fresh.Id("PO");
        SupplierEvent[] events =
        [
            new PoAcknowledgedEvent
            {
                EventId = Fresh.Id("EV"), Source = "supplier-test", OccurredAt = now, PoId = po,
                Lines = [new SupplyLine { Sku = sku, Location = GridHttp.Dc1, Quantity = 5, Eta = now.AddDays(7) }],
            },
            new AsnEvent
            {
                EventId = Fresh.Id("EV"), Source = "supplier-test", OccurredAt = now, AsnId = Fresh.Id("ASN"), PoId = po,
                Lines = [new SupplyLine { Sku = sku, Location = GridHttp.Dc1, Quantity = 5, Eta = now.AddDays(6) }],
            },
            new DelayEvent
            {
                EventId = Fresh.Id("EV"), Source = "supplier-test", OccurredAt = now, PoId = po, NewEta = now.AddDays(9),
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
