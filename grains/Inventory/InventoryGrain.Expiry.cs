using Grid.Infrastructure;

namespace Grid.Inventory;

// Expiry: a timer while active, the cluster's sweep while not.
public sealed partial class InventoryGrain
{
    // ---------------------------------------------------------------- expiry
    // While active, a timer expires reservations on the second. A SKU-location no silo holds is woken by the
    // cluster's expiry sweep, which finds it through the next expiry stored with its state.

    public Task SweepExpired() => SweepExpiredAsync();

    private async Task SweepExpiredAsync()
    {
        ExpireInMemory(Now);
        await _commits.WhenDurable();

        // The outbox's events and the failures not yet listed, left by a crash: the sweep (or activation) sends them now.
        var relayed = await RelayAfterWriteAsync();
        if (relayed || _owesFeedWrite)
        {
            // Handed over but no write since has said so, or a change the feed has not had.
            await DurableAsync(changed: true);
        }
    }

    /// <summary>Expires what is due and prunes closed reservations; true when the state changed.</summary>
    private bool ExpireInMemory(DateTimeOffset now)
    {
        var expired = _inventory.ExpireDue(now);
        var pruned = _inventory.PruneClosedReservations(now, _rules);
        if (expired.Count > 0)
        {
            GridInstruments.ReservationsExpired.Add(expired.Count);
            LogReservationsExpired(Key, expired.Count);
        }

        var changed = expired.Count > 0 || pruned > 0;
        if (changed)
        {
            _commits.MarkChanged();
        }

        return changed;
    }

    /// <summary>How soon a hand-off that failed is tried again while the SKU-location stays active.</summary>
    private static readonly TimeSpan HandOffRetry = TimeSpan.FromSeconds(2);

    /// <summary>After a failed hand-off: the timer comes back soon (or at the next expiry, if that is sooner) to retry.</summary>
    private void ScheduleHandOffRetry() => ScheduleExpiryTimer(within: HandOffRetry);

    private void ScheduleExpiryTimer(bool immediately = false, TimeSpan? within = null)
    {
        if (_inventory.NextExpiry is not { } next && !immediately && within is null)
        {
            _expiryTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        var due = immediately ? TimeSpan.Zero : _inventory.NextExpiry is { } at ? at - Now : Timeout.InfiniteTimeSpan;
        if (within is { } soon && (due == Timeout.InfiniteTimeSpan || soon < due))
        {
            due = soon;
        }

        if (due < TimeSpan.Zero)
        {
            due = TimeSpan.Zero;
        }

        if (_expiryTimer is null)
        {
            _expiryTimer = this.RegisterGrainTimer(
                static (grain, _) => grain.OnExpiryTimerAsync(),
                this,
                new GrainTimerCreationOptions { DueTime = due, Period = Timeout.InfiniteTimeSpan, Interleave = true });
        }
        else
        {
            _expiryTimer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task OnExpiryTimerAsync()
    {
        await SweepExpiredAsync();

        // Work a hand-off could not do now keeps the timer coming back until it is done.
        ScheduleExpiryTimer(within: HasAfterWriteWork ? HandOffRetry : null);
    }
}
