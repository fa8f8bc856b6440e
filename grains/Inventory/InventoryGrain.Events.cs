using Grid.Domain;
using Grid.Orders;
using Grid.Outbound;

namespace Grid.Inventory;

// Events for the systems that care (reservations that close, self-checks that fail) and the ops list of failures.
public sealed partial class InventoryGrain
{
    // ---------------------------------------------------------------- after a write
    // The domain records these events in the SKU-location's outbox and counts its failed self-checks; both are
    // written with the change that caused them. After the write they are handed to the publishers and listed for
    // ops; what that settles is written with the next change or by the sweep, which the stored state asks to come
    // back until then. Only what a write holds goes out: commands decided meanwhile wait for their own write.

    private bool _relaying;
    private bool _relayAgain;
    private long _durableOutboxSequence;
    private long _durableViolations;

    private bool HasAfterWriteWork
        => (_inventory.PendingOutbox is not null && _durableOutboxSequence > 0) || _durableViolations > _inventory.ViolationsReported;

    /// <summary>Notes what storage holds now (on activation, and after each write).</summary>
    private void MarkAfterWriteWorkDurable(long outboxSequence, long violations)
    {
        _durableOutboxSequence = outboxSequence;
        _durableViolations = violations;
    }

    /// <summary>
    /// Hands the written outbox events to the publishers and lists the written failures for ops; true when that
    /// changed the state (to be written soon). A failure leaves the rest for the next write, sweep or activation.
    /// </summary>
    private async Task<bool> RelayAfterWriteAsync()
    {
        if (_relaying)
        {
            // The relay in flight goes round again for what the latest write holds.
            _relayAgain = true;
            return false;
        }

        if (!HasAfterWriteWork)
        {
            return false;
        }

        _relaying = true;
        var changed = false;
        try
        {
            do
            {
                _relayAgain = false;
                changed |= await RelayOnceAsync();
            }
            while (_relayAgain && HasAfterWriteWork);
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException or ObjectDisposedException)
        {
            LogAfterWriteDeferred(ex, Key);
            ScheduleHandOffRetry();
        }
        finally
        {
            _relaying = false;
        }

        return changed;
    }

    private async Task<bool> RelayOnceAsync()
    {
        var changed = false;
        if (_inventory.PendingOutbox is { } outbox)
        {
            changed |= await OutboxRelay.HandOffAsync(GrainFactory, _router, outbox, _durableOutboxSequence);
        }

        var unreported = _inventory.UnreportedViolations(_durableViolations);
        if (unreported.Count > 0)
        {
            await GrainFactory.GetGrain<IOrderExceptionsGrain>(OrderKeys.Singleton).Record([.. unreported.Select(ToException)]);
            changed |= _inventory.MarkViolationsReported(unreported[^1].Number);
        }
        else
        {
            // Failures the list no longer holds (more came than it keeps) are past listing.
            changed |= _inventory.MarkViolationsReported(_durableViolations);
        }

        return changed;
    }

    private OrderExceptionView ToException((long Number, Violation Violation) failure)
    {
        var (number, v) = failure;
        var kind = v.Rule == SkuLocationInventory.NegativeOnHandRule ? OrderExceptionKind.NegativeOnHand : OrderExceptionKind.InvariantViolated;
        return new OrderExceptionView(
            $"{Domain.Outbound.OutboundSubjects.InventoryCheck(_inventory.Sku, _inventory.Location)}/{number}",
            OrderId: null,
            kind,
            v.At,
            v.EventId is null ? $"{v.Rule}: {v.Detail}" : $"{v.Rule} (event {v.EventId}): {v.Detail}",
            LineId: null,
            _inventory.Location,
            OrderStatus: null,
            _inventory.Sku);
    }
}
