using Grid.Exceptions;
using Grid.Outbound;
using Grid.Tests.Grains;

namespace Grid.Tests.Outbound;

/// <summary>Reconciliation and delivery report what a person must act on into the exception queue, and clear it when it is gone.</summary>
[Trait("Category", "Grains")]
[Collection(OutboundCollection.Name)]
public sealed class ExceptionFeedTests(OutboundFixture fixture)
{
    private readonly string _tag = TestIds.Tag();

    [Fact]
    public async Task A_stock_count_that_disagrees_opens_a_discrepancy_and_the_next_one_that_agrees_resolves_it()
    {
        fixture.Receiver.Behaviour = _ => Reply.Ok;
        var (sku, dc) = ($"RC-{_tag}", $"DC-{_tag}");
        await fixture.Grains.Inventory(sku, dc).ApplyMovements([new Grid.Inventory.WarehouseMovement(TestIds.New("rcv"), "wms", fixture.Clock.GetUtcNow(), Grid.Inventory.MovementType.Receipt, 10)]);
        var reconciliation = fixture.Grains.GetGrain<IReconciliationGrain>(0);

        await reconciliation.Reconcile(new StockSnapshot($"S1-{_tag}", dc, fixture.Clock.GetUtcNow(), [new SnapshotItem(sku, 12)]));

        var opened = Assert.Single(await fixture.Grains.ExceptionsAsync(ExceptionKind.ReconciliationDiscrepancy, $"{sku}@{dc}"));
        Assert.Equal((ExceptionState.Open, $"S1-{_tag}"), (opened.State, opened.Reference));
        Assert.Contains("the ERP counts 12, Grid holds 10", opened.Detail, StringComparison.Ordinal);

        await reconciliation.Reconcile(new StockSnapshot($"S2-{_tag}", dc, fixture.Clock.GetUtcNow(), [new SnapshotItem(sku, 10)]));

        var resolved = await fixture.Grains.GetGrain<IExceptionQueueGrain>(0).Get(opened.Id);
        Assert.Equal((ExceptionState.Resolved, "system"), (resolved!.State, resolved.ResolvedBy));
    }

    [Fact]
    public async Task A_dead_letter_opens_an_exception_about_its_target_and_replaying_every_dead_letter_resolves_it()
    {
        var subject = $"order/dlx-{_tag}";
        var events = OutboundFixture.Events("grid.order.accepted.v1", subject, 1, fixture.Clock.GetUtcNow());
        var refuse = true;
        fixture.Receiver.Behaviour = r => r.Id == events[0].Id && refuse ? new Reply(422) : Reply.Ok;

        await fixture.Publisher("crm", subject).Accept(events);

        var opened = await Eventually.ReadAsync(
            async () => (await fixture.Grains.ExceptionsAsync(ExceptionKind.OutboundDeadLetter, "crm")).FirstOrDefault(e => e.State != ExceptionState.Resolved && e.Reference == events[0].Id),
            e => e is not null, "the dead letter in the exception queue");
        Assert.Contains(subject, opened!.Detail, StringComparison.Ordinal);
        Assert.Equal(ExceptionSeverity.Error, opened.Severity);

        refuse = false;
        await fixture.Ops.ReplayDeadLetters("crm", null);

        var resolved = await Eventually.ReadAsync(() => fixture.Grains.GetGrain<IExceptionQueueGrain>(0).Get(opened.Id), e => e!.State == ExceptionState.Resolved, "the system resolving it");
        Assert.Equal("system", resolved!.ResolvedBy);
    }
}
