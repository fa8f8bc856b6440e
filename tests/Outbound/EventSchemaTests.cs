using System.Text.Json;
using Grid.Domain.Outbound;
using Grid.Exceptions;
using Grid.Inventory;
using Grid.Orders;
using Grid.Outbound;
using Grid.Tests.Grains;
using NJsonSchema;

namespace Grid.Tests.Outbound;

/// <summary>
/// The event catalogue is documented under <c>docs/events/</c> (a JSON Schema and an example per type), and what Grid
/// emits matches it: an order taken from submission through shipment, cancellation, delivery and a return, a backorder
/// re-promised, a credit hold, a rejection, a stock snapshot, reservations that expire, are released and committed,
/// stock that breaks the self-checks, and the availability they moved.
/// </summary>
[Trait("Category", "Grains")]
[Collection(OutboundCollection.Name)]
public sealed class EventSchemaTests(OutboundFixture fixture)
{
    private static readonly string Docs = FindDocs();
    private readonly string _tag = TestIds.Tag();

    public static TheoryData<string> Types => [.. OutboundEventTypes.All.Select(t => t.Type)];

    [Theory]
    [MemberData(nameof(Types))]
    public async Task Every_event_type_has_a_schema_and_an_example_that_matches_it(string type)
    {
        var schema = await JsonSchema.FromFileAsync(Path.Combine(Docs, $"{type}.schema.json"));
        var example = await File.ReadAllTextAsync(Path.Combine(Docs, "examples", $"{type}.json"));

        Assert.Empty(schema.Validate(example));
        Assert.Equal(type, JsonDocument.Parse(example).RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Every_event_Grid_emits_in_an_order_s_life_matches_the_schema_of_its_type()
    {
        fixture.Receiver.Behaviour = _ => Reply.Ok;
        var (a, b, dc, region, customer) = ($"A-{_tag}", $"B-{_tag}", $"DC-{_tag}", $"R-{_tag}", $"C-{_tag}");
        var now = fixture.Clock.GetUtcNow();
        await fixture.Grains.GetGrain<ILocationDirectoryGrain>(OrderKeys.Singleton).Upsert(new LocationInput(dc, "DC", LocationType.Dc, [region], 1));
        await Inventory(a, dc).ApplyMovements([Movement(MovementType.Receipt, 10)]);

        // Accepted, released, picked, partly shipped, the rest cancelled (picked units raise an exception), delivered, a return.
        Assert.Equal(OrderStatus.Released, (await Submit("1", region, customer, a, 6)).Order!.Status);
        await Order("1").ApplyWarehouseEvents([
            new OrderWarehouseEvent($"pk-{_tag}", "wms", now, OrderEventType.Pick, dc, a, "L1", 6),
            new OrderWarehouseEvent($"sc-{_tag}", "wms", now, OrderEventType.ShipConfirm, dc, ShipmentId: $"SH-{_tag}", Carrier: "UPS", Lines: [new ShippedLine("L1", a, 4)])]);
        await Order("1").Cancel("customer changed their mind");
        await fixture.Grains.GetGrain<IShipmentGrain>(OrderKeys.Shipment($"SH-{_tag}"))
            .AddMilestone(new MilestoneInput($"m-{_tag}", MilestoneType.Delivered, now, ProofOfDelivery: "signed"));
        await Eventually.ThatAsync(async () => (await Order("1").Get()).Order!.Status == OrderStatus.Delivered, "the delivery");
        await Order("1").AuthorizeReturn(new AuthorizeReturn($"RMA-{_tag}", [new ReturnLineInput("L1", 1)]));
        await Order("1").ApplyWarehouseEvents([new OrderWarehouseEvent(
            $"rr-{_tag}", "wms", now, OrderEventType.ReturnReceived, dc, a, Quantity: 1, ReturnId: $"RMA-{_tag}", Disposition: ReturnDisposition.Restock)]);

        // Backordered against a PO, then re-promised when the PO is delayed.
        await Inventory(b, dc).ApplyMovements([Movement(MovementType.InboundExpected, 20, $"PO-{_tag}", now.AddDays(7))]);
        Assert.Equal(OrderStatus.Backordered, (await Submit("2", region, customer, b, 5)).Order!.Status);
        await Inventory(b, dc).ApplyMovements([Movement(MovementType.InboundDelayed, 0, $"PO-{_tag}", now.AddDays(14))]);
        Assert.Equal(OrderResultCode.Ok, (await Order("2").ReduceLine("L1", 3, "fewer wanted")).Code);

        // A credit hold, an order nobody can source, and a stock count that disagrees.
        await fixture.Grains.GetGrain<ICustomerGrain>(OrderKeys.Customer($"H-{_tag}")).SetCredit(new CreditUpdate(CreditStatus.Hold, "over limit", now));
        Assert.Equal(OrderStatus.OnHold, (await Submit("3", region, $"H-{_tag}", a, 1)).Order!.Status);
        Assert.Equal(OrderStatus.Rejected, (await Submit("4", $"nowhere-{_tag}", customer, a, 1)).Order!.Status);
        await fixture.Grains.GetGrain<IReconciliationGrain>(0).Reconcile(new StockSnapshot($"S-{_tag}", dc, now, [new SnapshotItem(a, 99)]));

        // Reservations that close three ways, then stock that breaks the self-checks.
        var held = Inventory($"R-{_tag}", dc);
        await held.ApplyMovements([Movement(MovementType.Receipt, 10)]);
        await held.Reserve(new ReserveStock($"r1-{_tag}", "web", 2, TtlSeconds: 60));
        await held.Reserve(new ReserveStock($"r2-{_tag}", "web", 1));
        await held.Reserve(new ReserveStock($"r3-{_tag}", "web", 3));
        await held.Release($"r2-{_tag}");
        await held.Commit($"r3-{_tag}", $"O9-{_tag}");
        fixture.Clock.Advance(TimeSpan.FromSeconds(61));
        await held.SweepExpired();
        await held.ApplyMovements([Movement(MovementType.Adjustment, -9), Movement(MovementType.Pick, 5)]);

        // A person resolves the exception the cancelled picked units raised.
        var raised = await Eventually.ReadAsync(() => fixture.Grains.ExceptionsAsync(ExceptionKind.PickedUnitsOnCancel, $"O1-{_tag}"), l => l.Count > 0, "the exception in the queue");
        await fixture.Grains.GetGrain<IExceptionQueueGrain>(0).Act(raised[0].Id, new ExceptionAction(ExceptionActionType.Resolve, "ops", Note: "put away"));

        var emitted = () => fixture.Receiver.Accepted.Where(r => r.Target == "erp"
            && (r.Subject.Contains(_tag, StringComparison.Ordinal) || (r.Subject.StartsWith("exception/", StringComparison.Ordinal) && r.Body.Contains(_tag, StringComparison.Ordinal)))).ToList();
        // The publishers' rate limits refill on the fixture's fake clock: move it on while waiting, or a burst of
        // events larger than a partition's bucket waits for a clock that never moves.
        await Eventually.ThatAsync(
            () => fixture.SkippingBackoff(() => OutboundEventTypes.All.All(t => emitted().Any(r => r.Type == t.Type))),
            $"every type emitted (missing: {string.Join(", ", OutboundEventTypes.All.Select(t => t.Type).Except(emitted().Select(r => r.Type)))})");

        foreach (var request in emitted())
        {
            var schema = await JsonSchema.FromFileAsync(Path.Combine(Docs, $"{request.Type}.schema.json"));
            var errors = schema.Validate(request.Body);
            Assert.True(errors.Count == 0, $"{request.Type} {request.Subject}: {string.Join("; ", errors.Select(e => $"{e.Path}: {e.Kind}"))}\n{request.Body}");
        }
    }

    private Task<OrderResult> Submit(string name, string region, string customer, string sku, long quantity)
        => Order(name).Submit(new SubmitOrder($"O{name}-{_tag}", customer, "web", new ShipToAddress(region), false, [new OrderLineInput("L1", sku, quantity)]));

    private IOrderGrain Order(string name) => fixture.Grains.GetGrain<IOrderGrain>(OrderKeys.Order($"O{name}-{_tag}"));

    private IInventoryGrain Inventory(string sku, string location) => fixture.Grains.GetGrain<IInventoryGrain>(Identifiers.SkuLocationKey(sku, location));

    private WarehouseMovement Movement(MovementType type, long quantity, string? reference = null, DateTimeOffset? eta = null)
        => new(TestIds.New("mv"), "wms", fixture.Clock.GetUtcNow(), type, quantity, Reference: reference, Eta: eta);

    private static string FindDocs()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var docs = Path.Combine(dir.FullName, "docs", "events");
            if (Directory.Exists(docs))
            {
                return docs;
            }
        }

        throw new DirectoryNotFoundException("docs/events not found above the test binaries.");
    }
}
