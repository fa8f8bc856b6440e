using Grid.Domain.Orders;
using Grid.Infrastructure;

namespace Grid.Orders;

// The SLA watch: a reminder due at the next deadline, checked when it fires.
public sealed partial class OrderGrain
{
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (Order.IsEmpty)
        {
            await StopReminderAsync();
            return;
        }

        await CatchUpAsync();
    }

    private async Task CheckSlaAsync()
    {
        if (Order.CheckSla(_sla, Now))
        {
            GridInstruments.SlaBreaches.Add(1);
            GridInstruments.OrderExceptions.Add(1);
            LogSlaBreached(OrderId, Order.Status, Order.Exceptions[^1].Detail);
            await WriteAsync();
            await ReportExceptionsAsync();
            await RelayOutboxAsync();
        }

        await ScheduleSlaAsync();
    }

    private async Task ScheduleSlaAsync()
    {
        if (Order.NextSlaDeadline(_sla) is { } deadline)
        {
            var due = deadline - Now;
            if (due < TimeSpan.Zero)
            {
                due = TimeSpan.Zero;
            }

            if (_slaTimer is null)
            {
                _slaTimer = this.RegisterGrainTimer(
                    static (grain, _) => grain.CheckSlaAsync(),
                    this,
                    new GrainTimerCreationOptions { DueTime = due, Period = Timeout.InfiniteTimeSpan });
            }
            else
            {
                _slaTimer.Change(due, Timeout.InfiniteTimeSpan);
            }
        }
        else
        {
            _slaTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        if (OrderLifecycle.IsTerminal(Order.Status) && !HasPendingWork())
        {
            await StopReminderAsync();
        }
        else if (!_reminderRegistered)
        {
            await this.RegisterOrUpdateReminder(SlaReminderName, _options.SlaReminderPeriod, _options.SlaReminderPeriod);
            _reminderRegistered = true;
        }
    }

    private async Task StopReminderAsync()
    {
        if (await this.GetReminder(SlaReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        _reminderRegistered = false;
    }
}
