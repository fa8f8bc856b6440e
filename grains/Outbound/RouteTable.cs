using System.Collections.Frozen;
using System.Collections.Immutable;
using Grid.Domain.Outbound;

namespace Grid.Outbound;

/// <summary>
/// One target as the router sees it: its settings, its signing keys (the current first; one rotated out signs until its
/// time is up), and where its availability publisher starts (after <c>FeedStart</c> in the feed <c>FeedEpoch</c>).
/// </summary>
internal sealed record TargetRoute(
    OutboundTargetOptions Options, ImmutableArray<(byte[] Key, DateTimeOffset? Until)> Keys, bool Configured, string? FeedEpoch, long FeedStart, string ClientName)
{
    /// <summary>The named HTTP client of every subscription (a configured target has one of its own).</summary>
    public const string SubscriptionClient = WebhookSender.HttpClientPrefix + "subscriptions.";

    public IEnumerable<byte[]> KeysAt(DateTimeOffset now) => Keys.Where(k => k.Until is not { } until || now < until).Select(k => k.Key);

    /// <summary>The feed position the target's availability publisher starts after, in <paramref name="epoch"/>'s feed.</summary>
    public long FeedStartIn(string epoch) => FeedEpoch == epoch ? FeedStart : 0;

    public static TargetRoute FromConfiguration(string name, OutboundTargetOptions options)
        => new(
            options,
            options.Secret is { } secret && WebhookSignature.IsUsable(secret) ? [(WebhookSignature.Key(secret), null)] : [], // else refused at start-up
            true, null, 0, WebhookSender.HttpClientPrefix + name);

    public static TargetRoute FromSubscription(Subscription subscription)
        => new(
            SubscriptionRules.ToOptions(subscription),
            [.. subscription.Secrets.Select(s => (WebhookSignature.Key(s.Secret), s.ValidUntil))],
            false, subscription.FeedEpoch, subscription.FeedStart, SubscriptionClient);
}

/// <summary>An immutable snapshot of every target and which of them wants each event type.</summary>
internal sealed class RouteTable
{
    private RouteTable(long version, FrozenDictionary<string, TargetRoute> targets)
    {
        Version = version;
        Targets = targets;
        Names = [.. targets.Keys.Order(StringComparer.Ordinal)];
        ByType = OutboundEventTypes.All.ToFrozenDictionary(
            t => t.Type,
            t => (IReadOnlyList<string>)[.. Names.Where(n => targets[n].Options.EventTypes.Any(p => OutboundEventTypes.Matches(p, t.Type)))],
            StringComparer.Ordinal);
    }

    public long Version { get; }

    public FrozenDictionary<string, TargetRoute> Targets { get; }

    public IReadOnlyList<string> Names { get; }

    public FrozenDictionary<string, IReadOnlyList<string>> ByType { get; }

    /// <summary>Configured targets, then subscriptions (a name taken by configuration is never a subscription's).</summary>
    public static RouteTable Build(OutboundOptions options, SubscriptionSet subscriptions)
    {
        var targets = options.Targets.ToDictionary(t => t.Key, t => TargetRoute.FromConfiguration(t.Key, t.Value), StringComparer.Ordinal);
        foreach (var subscription in subscriptions.Subscriptions)
        {
            targets.TryAdd(subscription.Name, TargetRoute.FromSubscription(subscription));
        }

        return new RouteTable(subscriptions.Version, targets.ToFrozenDictionary(StringComparer.Ordinal));
    }
}
