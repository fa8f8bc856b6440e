using System.Collections.Immutable;
using System.Security.Cryptography;
using Grid.Domain.Outbound;

namespace Grid.Outbound;

/// <summary>
/// What a subscription is as an outbound target, and whether it is a valid one: the same rules as a configured target's
/// (<see cref="OutboundOptionsValidator.TargetProblems"/>), answered with the fields as the API names them.
/// </summary>
internal static class SubscriptionRules
{
    /// <summary>The longest overlap a rotated-out secret may keep signing for.</summary>
    public static readonly TimeSpan MaxOverlap = TimeSpan.FromDays(30);

    /// <summary>The settings a subscription has; those the API does not set keep a configured target's defaults.</summary>
    public static OutboundTargetOptions ToOptions(Subscription subscription) => new()
    {
        Url = subscription.Url,
        Secret = subscription.Secrets.IsDefaultOrEmpty ? null : subscription.Secrets[0].Secret,
        EventTypes = [.. subscription.EventTypes],
        MaxRequestsPerSecond = subscription.MaxRequestsPerSecond,
        MaxConcurrentRequests = subscription.MaxConcurrentRequests,
        BatchSize = subscription.BatchSize,
    };

    /// <summary>A new subscription from <paramref name="settings"/>, unset ones at a configured target's defaults.</summary>
    public static Subscription Create(string name, SubscriptionSettings settings, string secret, DateTimeOffset now)
    {
        var defaults = new OutboundTargetOptions();
        return new Subscription(
            name, settings.Url ?? "", settings.EventTypes ?? [], settings.MaxRequestsPerSecond ?? defaults.MaxRequestsPerSecond,
            settings.MaxConcurrentRequests ?? defaults.MaxConcurrentRequests, settings.BatchSize ?? defaults.BatchSize, settings.Paused ?? false,
            [new SubscriptionSecret(secret, null)], settings.Start ?? SubscriptionStart.Now, null, 0, now, now);
    }

    /// <summary><paramref name="subscription"/> with the settings given in <paramref name="settings"/> changed.</summary>
    public static Subscription Change(Subscription subscription, SubscriptionSettings settings, DateTimeOffset now) => subscription with
    {
        Url = settings.Url ?? subscription.Url,
        EventTypes = settings.EventTypes ?? subscription.EventTypes,
        MaxRequestsPerSecond = settings.MaxRequestsPerSecond ?? subscription.MaxRequestsPerSecond,
        MaxConcurrentRequests = settings.MaxConcurrentRequests ?? subscription.MaxConcurrentRequests,
        BatchSize = settings.BatchSize ?? subscription.BatchSize,
        Paused = settings.Paused ?? subscription.Paused,
        Start = settings.Start ?? subscription.Start,
        UpdatedAt = now,
    };

    /// <summary>Every problem with a subscription's name and settings, each naming its field; none for a valid one.</summary>
    public static ImmutableArray<FieldProblem> Problems(Subscription subscription)
    {
        var problems = ImmutableArray.CreateBuilder<FieldProblem>();
        if (!OutboundOptionsValidator.IsTargetName(subscription.Name))
        {
            problems.Add(new FieldProblem("name", "A subscription name is 1-32 of A-Z, a-z, 0-9, '_' and '-'."));
        }

        problems.AddRange(OutboundOptionsValidator.TargetProblems(ToOptions(subscription)).Select(p => new FieldProblem(p.Field, p.Problem)));
        return problems.ToImmutable();
    }

    /// <summary>The problem with a secret given for a subscription, if any.</summary>
    public static FieldProblem? SecretProblem(string? secret)
        => secret is null || WebhookSignature.IsUsable(secret) ? null : new FieldProblem("secret", "Secret is empty, or starts with whsec_ but what follows is not base64.");

    /// <summary>A new random secret, the Standard Webhooks way: <c>whsec_</c> and 32 random bytes in base64.</summary>
    public static string NewSecret() => WebhookSignature.SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>Whether the subscription takes availability changes (read from the feed by its availability publisher).</summary>
    public static bool TakesAvailability(ImmutableArray<string> eventTypes)
        => eventTypes.Any(p => OutboundEventTypes.Matches(p, OutboundEventTypes.AvailabilityChanged.Type));

    /// <summary>The secrets after a rotation: the new one, and the current one until the overlap ends (older ones go).</summary>
    public static ImmutableArray<SubscriptionSecret> Rotate(ImmutableArray<SubscriptionSecret> secrets, string secret, DateTimeOffset now, TimeSpan overlap)
        => overlap > TimeSpan.Zero ? [new SubscriptionSecret(secret, null), secrets[0] with { ValidUntil = now + overlap }] : [new SubscriptionSecret(secret, null)];

    public static SubscriptionView View(Subscription s, DateTimeOffset now) => new(
        s.Name, SubscriptionView.FromApi, s.Url, s.EventTypes, s.MaxRequestsPerSecond, s.MaxConcurrentRequests, s.BatchSize, s.Paused, s.Start,
        s.CreatedAt, s.UpdatedAt, s.Secrets.Skip(1).Where(x => x.SignsAt(now)).Select(x => x.ValidUntil).Max());

    public static SubscriptionView View(string name, OutboundTargetOptions t) => new(
        name, SubscriptionView.FromConfiguration, t.Url!, [.. t.EventTypes], t.MaxRequestsPerSecond, t.MaxConcurrentRequests, t.BatchSize,
        null, null, null, null, null);
}
