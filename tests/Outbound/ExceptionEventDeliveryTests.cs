using Grid.Exceptions;
using Grid.Inventory;
using Grid.Tests.Grains;

namespace Grid.Tests.Outbound;

/// <summary>The exception queue tells the ERP (or a ticketing system) when an exception opens and when it is resolved.</summary>
[Trait("Category", "Grains")]
[Collection(OutboundCollection.Name)]
public sealed class ExceptionEventDeliveryTests(OutboundFixture fixture)
{
    private readonly string _tag = TestIds.Tag();

    [Fact]
    public async Task An_exception_that_opens_and_clears_by_itself_reaches_the_receiver_as_opened_then_resolved_by_the_system()
    {
        fixture.Receiver.Behaviour = _ => Reply.Ok;
        var sku = $"EXQ-{_tag}";
        var inventory = fixture.Grains.Inventory(sku);
        await inventory.ApplyMovements([Movement(MovementType.Receipt, 1)]);
        await inventory.ApplyMovements([Movement(MovementType.Pick, 4)]);
        var opened = await Eventually.ReadAsync(() => fixture.Grains.ExceptionsAsync(ExceptionKind.NegativeOnHand, $"{sku}@DC1"), l => l.Count > 0, "the exception");
        var subject = $"exception/{opened[0].Id}";

        await inventory.ApplyMovements([Movement(MovementType.Receipt, 10)]);

        await Eventually.ThatAsync(
            () => fixture.SkippingBackoff(() => fixture.Receiver.AcceptedFor(subject).Count(r => r.Target == "erp") == 2), "opened and resolved at the ERP");
        var events = fixture.Receiver.AcceptedFor(subject).Where(r => r.Target == "erp").ToList();
        Assert.Equal(["grid.exception.opened.v1", "grid.exception.resolved.v1"], events.Select(e => e.Type));
        Assert.Equal(("negativeOnHand", "critical", $"{sku}@DC1"),
            (events[0].Data.GetProperty("kind").GetString(), events[0].Data.GetProperty("severity").GetString(), events[0].Data.GetProperty("subjectId").GetString()));
        Assert.Equal(("resolved", "system"), (events[1].Data.GetProperty("state").GetString(), events[1].Data.GetProperty("resolvedBy").GetString()));
    }

    [Fact]
    public async Task A_person_resolving_an_exception_reaches_the_receiver_with_who_and_the_note()
    {
        fixture.Receiver.Behaviour = _ => Reply.Ok;
        var queue = fixture.Grains.GetGrain<IExceptionQueueGrain>(0);
        var order = $"O-{_tag}";
        await queue.Report([new ExceptionReportInput(ExceptionKind.CarrierException, new ExceptionSubject(ExceptionSubjectType.Order, order), "parcel damaged", fixture.Clock.GetUtcNow(), $"src-{_tag}")]);
        var id = (await fixture.Grains.ExceptionsAsync(ExceptionKind.CarrierException, order)).Single().Id;

        await queue.Act(id, new ExceptionAction(ExceptionActionType.Resolve, "alice", Note: "reshipped"));

        var subject = $"exception/{id}";
        await Eventually.ThatAsync(
            () => fixture.SkippingBackoff(() => fixture.Receiver.AcceptedFor(subject).Any(r => r.Target == "erp" && r.Type == "grid.exception.resolved.v1")), "the resolution at the ERP");
        var resolved = fixture.Receiver.AcceptedFor(subject).Single(r => r.Target == "erp" && r.Type == "grid.exception.resolved.v1");
        Assert.Equal(("alice", "reshipped", order), (resolved.Data.GetProperty("resolvedBy").GetString(), resolved.Data.GetProperty("resolution").GetString(), resolved.Data.GetProperty("subjectId").GetString()));
    }

    private WarehouseMovement Movement(MovementType type, long quantity) => new(TestIds.New("mv"), "wms", fixture.Clock.GetUtcNow(), type, quantity);
}
