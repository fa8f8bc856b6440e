using Grid.Exceptions;
using Grid.Inventory;
using Grid.Tests.Grains;

namespace Grid.Tests.Outbound;

/// <summary>Availability reaches a target from the availability feed: latest per SKU-location, refusals kept for ops.</summary>
[Trait("Category", "Grains")]
[Collection(OutboundCollection.Name)]
public sealed class AvailabilityDeliveryTests(OutboundFixture fixture)
{
    private readonly string _tag = TestIds.Tag();

    [Fact]
    public async Task Availability_the_target_refuses_for_good_is_a_dead_letter_listed_for_ops_and_a_replay_delivers_it()
    {
        var sku = $"AVDL-{_tag}";
        var subject = $"inventory/{sku}@DC1";
        var refuse = true;
        fixture.Receiver.Behaviour = r => r.Subject == subject && refuse ? new Reply(422) : Reply.Ok;

        await Inventory(sku).ApplyMovements([new WarehouseMovement(TestIds.New("rcv"), "wms", fixture.Clock.GetUtcNow(), MovementType.Receipt, 7)]);

        var letter = (await Eventually.ReadAsync(
            async () => (await fixture.Ops.GetDeadLetters("erp", 1_000, includeData: true))!.Value.FirstOrDefault(d => d.Subject == subject),
            found => found is not null,
            "the refused availability among the dead letters"))!;
        Assert.Equal(("grid.inventory.availability.changed.v1", 422), (letter.Type, letter.LastStatus));
        Assert.Contains("\"available\":7", letter.Data, StringComparison.Ordinal);
        await Eventually.ThatAsync(
            async () => (await fixture.Grains.ExceptionsAsync(ExceptionKind.OutboundDeadLetter, "erp")).Any(e => e.Detail.Contains("availability", StringComparison.Ordinal)),
            "the dead letter in the exception queue");

        refuse = false;
        Assert.Equal(1, await fixture.Ops.ReplayDeadLetters("erp", [letter.Id]));
        var delivered = Assert.Single(fixture.Receiver.AcceptedFor(subject), r => r.Target == "erp");
        Assert.Equal((letter.Id, 7L), (delivered.Id, delivered.Data.GetProperty("available").GetInt64()));
        Assert.DoesNotContain((await fixture.Ops.GetDeadLetters("erp", 1_000, false))!.Value, d => d.Subject == subject);
    }

    private IInventoryGrain Inventory(string sku) => fixture.Grains.GetGrain<IInventoryGrain>(Identifiers.SkuLocationKey(sku, "DC1"));
}
