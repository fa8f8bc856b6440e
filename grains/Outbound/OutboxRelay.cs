using System.Collections.Immutable;
using Grid.Domain.Outbound;

namespace Grid.Outbound;

/// <summary>
/// Hands a source grain's outbox to the publishers of the targets that want each event, in outbox order per target, and
/// books what they accepted. Called after the write that holds the outbox; a failure leaves the rest for the next call.
/// </summary>
public static class OutboxRelay
{
    /// <summary>
    /// True when the outbox changed (entries accepted or settled): the caller writes it, soon but not necessarily now.
    /// Only events numbered up to <paramref name="durableUpTo"/> go: a reentrant source passes what its last write held.
    /// </summary>
    public static async Task<bool> HandOffAsync(IGrainFactory grains, OutboundRouter router, Outbox outbox, long durableUpTo = long.MaxValue)
    {
        if (outbox.IsEmpty)
        {
            return false;
        }

        var changed = false;
        var targets = outbox.Entries.SelectMany(e => router.TargetsFor(e.Event.Type)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var target in targets)
        {
            var pending = outbox.PendingFor(target)
                .Where(e => e.SourceSequence <= durableUpTo && router.TargetsFor(e.Type).Contains(target, StringComparer.Ordinal)).ToList();
            foreach (var partition in pending.GroupBy(e => router.PartitionOf(e.Subject)))
            {
                var events = partition.ToContract();
                var result = await grains.Ref<IOutboundPublisherGrain>(OutboundRouter.PublisherKey(target, partition.Key)).Accept(events);
                outbox.MarkAccepted(target, events.Select(e => e.Id));
                changed = true;
                _ = result;
            }
        }

        return outbox.Settle(router.TargetsFor) || changed;
    }

    /// <summary>
    /// For a grain whose outbox a reminder keeps alive: hands the outbox off, writes the grain's state with
    /// <paramref name="write"/> when that changed it, and drops the reminder once the outbox is empty.
    /// </summary>
    public static async Task RelayAndSettleReminderAsync(Grain grain, IGrainFactory grains, OutboundRouter router, Outbox outbox, Func<Task> write, string reminderName)
    {
        if (await HandOffAsync(grains, router, outbox))
        {
            await write();
        }

        if (outbox.IsEmpty && await grain.GetReminder(reminderName) is { } reminder)
        {
            await grain.UnregisterReminder(reminder);
        }
    }
}
