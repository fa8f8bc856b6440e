using System.Collections.Immutable;
using Microsoft.Extensions.Logging;

namespace Grid.Outbound;

// Log messages (event ids 1420-1423; the watcher's is 1424).
public sealed partial class SubscriptionRegistryGrain
{
    [LoggerMessage(EventId = 1420, EventName = "SubscriptionCreated", Level = LogLevel.Information,
        Message = "Subscription {Target} created for {EventTypes} (availability from {Start})")]
    private partial void LogCreated(string target, ImmutableArray<string> eventTypes, SubscriptionStart start);

    [LoggerMessage(EventId = 1421, EventName = "SubscriptionChanged", Level = LogLevel.Information,
        Message = "Subscription {Target} changed: {EventTypes}, paused = {Paused}")]
    private partial void LogChanged(string target, ImmutableArray<string> eventTypes, bool paused);

    [LoggerMessage(EventId = 1422, EventName = "SubscriptionDeleted", Level = LogLevel.Information,
        Message = "Subscription {Target} deleted: delivery stopped, its waiting events dropped")]
    private partial void LogDeleted(string target);

    [LoggerMessage(EventId = 1423, EventName = "SubscriptionSecretRotated", Level = LogLevel.Information,
        Message = "Subscription {Target}: secret rotated; the previous one signs too until {Until}")]
    private partial void LogSecretRotated(string target, DateTimeOffset until);
}
