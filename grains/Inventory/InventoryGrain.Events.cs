using Grid.Domain;
using Grid.Exceptions;
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

    // A failed self-check may be open in the exception queue: set when one is recorded (or was, before this
    // activation), cleared once the queue was told that the check passes again.
    private bool _selfCheckMayBeOpen;

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

        await ClearSelfCheckIfPassedAsync();
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
            _selfCheckMayBeOpen = true;
            await GrainFactory.GetGrain<IExceptionQueueGrain>(0).Report([.. unreported.Select(ToException)]);
            changed |= _inventory.MarkViolationsReported(unreported[^1].Number);
        }
        else
        {
            // Failures the list no longer holds (more came than it keeps) are past listing.
            changed |= _inventory.MarkViolationsReported(_durableViolations);
        }

        return changed;
    }

    private ExceptionReportInput ToException((long Number, Violation Violation) failure)
    {
        var (number, v) = failure;
        var kind = v.Rule == SkuLocationInventory.NegativeOnHandRule ? ExceptionKind.NegativeOnHand : ExceptionKind.InvariantViolated;
        return new ExceptionReportInput(
            kind,
            SelfCheckSubject,
            v.EventId is null ? $"{v.Rule}: {v.Detail}" : $"{v.Rule} (event {v.EventId}): {v.Detail}",
            v.At,
            $"{Domain.Outbound.OutboundSubjects.InventoryCheck(_inventory.Sku, _inventory.Location)}/{number}",
            Sku: _inventory.Sku,
            Location: _inventory.Location,
            Reference: v.EventId);
    }

    private ExceptionSubject SelfCheckSubject => new(ExceptionSubjectType.SkuLocation, Key);

    /// <summary>
    /// After a write: when every failure is listed and the self-check passes on the state as written, the failed-check
    /// exceptions of this SKU-location resolve (by the system). Once per activation at most, unless checks fail again.
    /// </summary>
    private async Task ClearSelfCheckIfPassedAsync()
    {
        if (!_selfCheckMayBeOpen || _durableViolations > _inventory.ViolationsReported || !_inventory.SelfCheckPasses)
        {
            return;
        }

        _selfCheckMayBeOpen = false;
        var now = Now;
        try
        {
            await GrainFactory.GetGrain<IExceptionQueueGrain>(0).Clear(
            [
                new ExceptionClearanceInput(ExceptionKind.InvariantViolated, SelfCheckSubject, "The SKU-location's self-check passes again.", now),
                new ExceptionClearanceInput(ExceptionKind.NegativeOnHand, SelfCheckSubject, "On hand is back at zero or above.", now),
            ]);
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            _selfCheckMayBeOpen = true;
            LogAfterWriteDeferred(ex, Key);
        }
    }
}
