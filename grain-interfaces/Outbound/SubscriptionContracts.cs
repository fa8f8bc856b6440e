using System.Collections.Immutable;
using Orleans.Concurrency;

namespace Grid.Outbound;

/// <summary>Where a new subscription that takes availability changes starts reading the availability feed.</summary>
[GenerateSerializer, Alias("grid.outbound.SubscriptionStart")]
public enum SubscriptionStart
{
    /// <summary>From the feed's current position: only changes from now on.</summary>
    Now,

    /// <summary>From the feed's start: every SKU-location's current availability once, then changes.</summary>
    Snapshot,
}

/// <summary>What a client asks of a subscription (an outbound target managed through the API); null keeps a setting as it is (or its default).</summary>
[GenerateSerializer, Immutable, Alias("grid.outbound.SubscriptionSettings")]
public sealed record SubscriptionSettings(
    [property: Id(0)] string? Url,
    [property: Id(1)] ImmutableArray<string>? EventTypes,
    [property: Id(2)] double? MaxRequestsPerSecond,
    [property: Id(3)] int? MaxConcurrentRequests,
    [property: Id(4)] int? BatchSize,
    [property: Id(5)] bool? Paused,
    [property: Id(6)] SubscriptionStart? Start);

/// <summary>One signing secret; a rotated-out one signs until <see cref="ValidUntil"/>.</summary>
[GenerateSerializer, Immutable, Alias("grid.outbound.SubscriptionSecret")]
public sealed record SubscriptionSecret([property: Id(0)] string Secret, [property: Id(1)] DateTimeOffset? ValidUntil)
{
    public bool SignsAt(DateTimeOffset now) => ValidUntil is not { } until || now < until;
}

/// <summary>
/// A subscription as the registry stores it: its settings, its secrets (the current first), and where its availability
/// publisher starts (after <c>FeedStart</c> in the feed named <c>FeedEpoch</c>; no epoch: it takes no availability changes).
/// </summary>
[GenerateSerializer, Immutable, Alias("grid.outbound.Subscription")]
public sealed record Subscription(
    [property: Id(0)] string Name,
    [property: Id(1)] string Url,
    [property: Id(2)] ImmutableArray<string> EventTypes,
    [property: Id(3)] double MaxRequestsPerSecond,
    [property: Id(4)] int MaxConcurrentRequests,
    [property: Id(5)] int BatchSize,
    [property: Id(6)] bool Paused,
    [property: Id(7)] ImmutableArray<SubscriptionSecret> Secrets,
    [property: Id(8)] SubscriptionStart Start,
    [property: Id(9)] string? FeedEpoch,
    [property: Id(10)] long FeedStart,
    [property: Id(11)] DateTimeOffset CreatedAt,
    [property: Id(12)] DateTimeOffset UpdatedAt);

/// <summary>Every subscription, with the registry's version (it rises with each change).</summary>
[GenerateSerializer, Immutable, Alias("grid.outbound.SubscriptionSet")]
public sealed record SubscriptionSet([property: Id(0)] long Version, [property: Id(1)] ImmutableArray<Subscription> Subscriptions)
{
    public static SubscriptionSet Empty { get; } = new(0, []);
}

[GenerateSerializer, Alias("grid.outbound.SubscriptionCode")]
public enum SubscriptionCode
{
    Done,

    /// <summary>A setting is invalid (see the problems); nothing was stored.</summary>
    Invalid,

    /// <summary>A subscription of that name exists already.</summary>
    Exists,

    /// <summary>The name is a target from configuration: listed, but read-only here.</summary>
    Configured,

    NotFound,
}

/// <summary>One problem with a request, naming its field as the API spells it (<c>url</c>, <c>eventTypes[1]</c>).</summary>
[GenerateSerializer, Immutable, Alias("grid.outbound.FieldProblem")]
public sealed record FieldProblem([property: Id(0)] string Field, [property: Id(1)] string Message);

/// <summary>A subscription as ops see it: never its secrets. Targets from configuration are listed with <see cref="Source"/> = configuration.</summary>
[GenerateSerializer, Immutable, Alias("grid.outbound.SubscriptionView")]
public sealed record SubscriptionView(
    [property: Id(0)] string Name,
    [property: Id(1)] string Source,
    [property: Id(2)] string Url,
    [property: Id(3)] ImmutableArray<string> EventTypes,
    [property: Id(4)] double MaxRequestsPerSecond,
    [property: Id(5)] int MaxConcurrentRequests,
    [property: Id(6)] int BatchSize,
    [property: Id(7)] bool? Paused,
    [property: Id(8)] SubscriptionStart? Start,
    [property: Id(9)] DateTimeOffset? CreatedAt,
    [property: Id(10)] DateTimeOffset? UpdatedAt,
    [property: Id(11)] DateTimeOffset? PreviousSecretValidUntil)
{
    public const string FromApi = "api";

    public const string FromConfiguration = "configuration";
}

/// <summary>The outcome of a change: the subscription as it now is, or why not; <see cref="Secret"/> only when Grid generated one just now.</summary>
[GenerateSerializer, Immutable, Alias("grid.outbound.SubscriptionChange")]
public sealed record SubscriptionChange(
    [property: Id(0)] SubscriptionCode Code,
    [property: Id(1)] SubscriptionView? Subscription,
    [property: Id(2)] ImmutableArray<FieldProblem> Problems,
    [property: Id(3)] string? Secret = null);

/// <summary>
/// The subscriptions (outbound targets managed through the API), stored durably in one grain (key
/// <see cref="Key"/>). Every silo's router follows its <see cref="SubscriptionSet"/>.
/// </summary>
[Alias("grid.outbound.ISubscriptionRegistryGrain")]
public interface ISubscriptionRegistryGrain : IGrainWithStringKey
{
    public const string Key = "subscriptions";

    /// <summary>The set, or null when it is still at <paramref name="knownVersion"/>. Interleaves: publishers ask while the registry calls them.</summary>
    [AlwaysInterleave, Alias("GetSet")]
    Task<SubscriptionSet?> GetSet(long knownVersion);

    [Alias("List")]
    Task<ImmutableArray<SubscriptionView>> List();

    [Alias("Get")]
    Task<SubscriptionView?> Get(string name);

    /// <summary>Creates a subscription; with no <paramref name="secret"/> Grid generates one and answers it (once).</summary>
    [Alias("Create")]
    Task<SubscriptionChange> Create(string name, SubscriptionSettings settings, string? secret);

    [Alias("Update")]
    Task<SubscriptionChange> Update(string name, SubscriptionSettings settings);

    /// <summary>Stops delivery and drops what was waiting for it.</summary>
    [Alias("Delete")]
    Task<SubscriptionChange> Delete(string name);

    /// <summary>A new secret (given, or generated and answered once); the old one still signs for <paramref name="overlap"/>.</summary>
    [Alias("RotateSecret")]
    Task<SubscriptionChange> RotateSecret(string name, string? secret, TimeSpan overlap);
}
