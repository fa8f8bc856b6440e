using Grid.Domain;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grid.Inventory;

/// <summary>
/// Wakes the SKU-locations whose next reservation expiry has passed, in pages, on a reminder. Expiry of an active
/// SKU-location is its own timer's job; this covers the ones no silo holds, so one reminder serves the whole cluster
/// and a reservation costs no reminder write.
/// </summary>
public sealed partial class ExpirySweeperGrain(
    IExpiryIndex index,
    TimeProvider clock,
    IOptions<InventoryOptions> options,
    ILogger<ExpirySweeperGrain> logger) : Grain, IExpirySweeperGrain, IRemindable
{
    private const string SweepReminder = "expiry-sweep";
    private const int PageSize = 500;
    private const int MaxPagesPerSweep = 20;

    public async Task Start()
    {
        var period = options.Value.ExpiryReminderPeriod;
        await this.RegisterOrUpdateReminder(SweepReminder, period, period);
    }

    public Task<int> Sweep() => SweepAsync();

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == SweepReminder)
        {
            await SweepAsync();
        }
    }

    private async Task<int> SweepAsync()
    {
        var woken = 0;
        for (var page = 0; page < MaxPagesPerSweep; page++)
        {
            var due = await index.DueAsync(clock.GetUtcNow(), PageSize);
            if (due.Count == 0)
            {
                break;
            }

            await Task.WhenAll(due.Select(key => GrainFactory.GetGrain<IInventoryGrain>(key).SweepExpired()));
            woken += due.Count;
            if (due.Count < PageSize)
            {
                break;
            }
        }

        if (woken > 0)
        {
            LogSwept(woken);
        }

        return woken;
    }

    [LoggerMessage(EventId = 1111, EventName = "ExpirySweep", Level = LogLevel.Information,
        Message = "Expiry sweep woke {Count} SKU-location(s) with reservations due")]
    private partial void LogSwept(int count);
}
