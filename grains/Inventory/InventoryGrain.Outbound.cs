using Grid.Domain;
using Grid.Domain.Outbound;
using Grid.Outbound;

namespace Grid.Inventory;

// Outbound availability: a transactional outbox of one slot (latest wins), handed to the publishers after the write.
public sealed partial class InventoryGrain
{
    // ---------------------------------------------------------------- outbound availability (transactional outbox, latest wins)

    /// <summary>
    /// Numbers the change about to be written for the availability outbox when its figures changed and a target wants
    /// them; returns the figures being written, or null when no target wants them.
    /// </summary>
    private AvailabilityFigures? MarkAvailabilityChange()
    {
        _writingSequence = _inventory.OutboundSequence;
        if (_router.TargetsFor(OutboundEventTypes.AvailabilityChanged.Type).Count == 0)
        {
            return null;
        }

        var figures = _inventory.MarkAvailabilityChangedSince(_durableFigures, Now);
        _writingSequence = _inventory.OutboundSequence;
        return figures;
    }

    /// <summary>
    /// Hands the latest durable availability to the publishers of the targets that want it; once all accepted, the
    /// outbox slot is marked handed and written soon (with the next change, or on its own). A failure leaves it
    /// pending for the next write, sweep or activation.
    /// </summary>
    private async Task HandOffAvailabilityAsync()
    {
        if (_handingOff)
        {
            return;
        }

        _handingOff = true;
        try
        {
            // Only what is durable is handed over, with the number it was written under; a newer change written
            // meanwhile goes round again.
            while (_durableSequence > _inventory.OutboundHanded)
            {
                await HandOffDurableAvailabilityAsync(_durableSequence);
            }
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException or ObjectDisposedException)
        {
            LogHandOffDeferred(ex, Key);
            ScheduleHandOffRetry();
        }
        finally
        {
            _handingOff = false;
        }
    }

    private async Task HandOffDurableAvailabilityAsync(long sequence)
    {
        var subject = OutboundSubjects.Inventory(_inventory.Sku, _inventory.Location);
        var a = _durable.ToAvailability(AvailabilityQuery.Now, Now, _options.StaleAfter);
        var data = new AvailabilityEventData(
            _inventory.Sku, _inventory.Location, a.Available, a.OnHand, a.Damaged, a.Quarantine, a.SafetyStock, a.Reserved, a.Allocated,
            [.. a.Inbound.Select(i => new InboundEventData(i.Quantity, i.Eta, i.Reference))], a.AsOf, a.LastWarehouseEventAt, a.Stale);
        var e = new OutboundEvent(OutboundMapping.NewEventId(), OutboundEventTypes.AvailabilityChanged.Type, subject, _durable.AsOf ?? Now, sequence, OutboundJson.Serialize(data), OutboundMapping.CurrentTrace());
        var partition = _router.PartitionOf(subject);
        foreach (var target in _router.TargetsFor(e.Type))
        {
            await _handOff.AcceptAsync(target, partition, e);
        }

        // The mark that every target accepted it goes with the next write. Until then the stored state asks the expiry
        // sweep for this SKU-location; the sweep hands the change over again (publishers drop it as a repeat) and, if
        // no change came meanwhile, writes the mark on its own.
        _inventory.MarkAvailabilityHanded(sequence);
    }
}
