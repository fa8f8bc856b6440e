namespace Grid.Outbound;

/// <summary>What a publisher of a deleted subscription does: drops its stored state and its reminder, and goes.</summary>
internal static class PublisherDiscard
{
    public static async Task DropAsync(this Grain publisher, Func<Task> clearState, string reminderName)
    {
        await clearState();
        if (await publisher.GetReminder(reminderName) is { } reminder)
        {
            await publisher.UnregisterReminder(reminder);
        }

        publisher.DeactivateOnIdle();
    }
}
