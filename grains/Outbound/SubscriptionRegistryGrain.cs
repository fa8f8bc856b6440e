using System.Collections.Immutable;
using Grid.Infrastructure;
using Grid.Inventory;
using Microsoft.Extensions.Logging;

namespace Grid.Outbound;

/// <summary>The stored subscriptions and the version that rises with each change.</summary>
public sealed class SubscriptionRegistryState
{
    public long Version { get; set; }

    public List<Subscription> Subscriptions { get; set; } = [];
}

/// <summary>
/// The subscriptions made through the API (key <see cref="ISubscriptionRegistryGrain.Key"/>), stored under
/// <see cref="StorageNames.Grid"/>. A change is written before it is answered; then this silo's router takes it at once
/// and the target's publishers are told (each takes the new set on its own silo); other silos' routers follow within
/// <see cref="OutboundOptions.SubscriptionRefresh"/> (<see cref="SubscriptionWatcher"/>).
/// </summary>
public sealed partial class SubscriptionRegistryGrain(
    [PersistentState("subscriptions", StorageNames.Grid)] IPersistentState<SubscriptionRegistryState> store,
    OutboundRouter router,
    IAvailabilityFeed feed,
    TimeProvider clock,
    ILogger<SubscriptionRegistryGrain> logger) : Grain, ISubscriptionRegistryGrain
{
    /// <summary>The set as stored: what silos are given (a change being written is not, until it is durable).</summary>
    private SubscriptionSet _committed = SubscriptionSet.Empty;

    private SubscriptionRegistryState State => store.State;

    private DateTimeOffset Now => clock.GetUtcNow();

    private SubscriptionSet Set => new(State.Version, [.. State.Subscriptions]);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _committed = Set;
        router.Apply(_committed);
        return Task.CompletedTask;
    }

    public Task<SubscriptionSet?> GetSet(long knownVersion) => Task.FromResult(_committed.Version > knownVersion ? _committed : null);

    public Task<ImmutableArray<SubscriptionView>> List()
    {
        var now = Now;
        return Task.FromResult<ImmutableArray<SubscriptionView>>(
        [
            .. router.Options.Targets.Select(t => SubscriptionRules.View(t.Key, t.Value))
                .Concat(State.Subscriptions.Select(s => SubscriptionRules.View(s, now)))
                .OrderBy(v => v.Name, StringComparer.Ordinal),
        ]);
    }

    public Task<SubscriptionView?> Get(string name)
        => Task.FromResult(router.Options.Targets.TryGetValue(name, out var configured)
            ? SubscriptionRules.View(name, configured)
            : Find(name) is { } s ? SubscriptionRules.View(s, Now) : null);

    public async Task<SubscriptionChange> Create(string name, SubscriptionSettings settings, string? secret)
    {
        if (router.IsConfigured(name))
        {
            return Refused(SubscriptionCode.Configured);
        }

        if (Find(name) is not null)
        {
            return Refused(SubscriptionCode.Exists);
        }

        var generated = secret is null ? SubscriptionRules.NewSecret() : null;
        var subscription = SubscriptionRules.Create(name, settings, secret ?? generated!, Now);
        var problems = SubscriptionRules.Problems(subscription);
        if (!problems.IsEmpty)
        {
            return new SubscriptionChange(SubscriptionCode.Invalid, null, problems);
        }

        subscription = await WithFeedStartAsync(subscription, takenBefore: false);
        State.Subscriptions.Add(subscription);
        await CommitAsync();
        LogCreated(name, subscription.EventTypes, subscription.Start);
        await TellPublishersAsync(subscription, subscription, pausedChanged: subscription.Paused);
        return new SubscriptionChange(SubscriptionCode.Done, SubscriptionRules.View(subscription, Now), [], generated);
    }

    public async Task<SubscriptionChange> Update(string name, SubscriptionSettings settings)
    {
        if (Writable(name) is { } refused)
        {
            return refused;
        }

        var before = Find(name)!;
        var subscription = SubscriptionRules.Change(before, settings, Now);
        var problems = SubscriptionRules.Problems(subscription);
        if (!problems.IsEmpty)
        {
            return new SubscriptionChange(SubscriptionCode.Invalid, null, problems);
        }

        subscription = await WithFeedStartAsync(subscription, SubscriptionRules.TakesAvailability(before.EventTypes));
        Replace(subscription);
        await CommitAsync();
        LogChanged(name, subscription.EventTypes, subscription.Paused);
        await TellPublishersAsync(before, subscription, pausedChanged: before.Paused != subscription.Paused);
        return new SubscriptionChange(SubscriptionCode.Done, SubscriptionRules.View(subscription, Now), []);
    }

    public async Task<SubscriptionChange> Delete(string name)
    {
        if (Writable(name) is { } refused)
        {
            return refused;
        }

        var subscription = Find(name)!;
        State.Subscriptions.Remove(subscription);
        await CommitAsync();
        LogDeleted(name);
        await Task.WhenAll((await DeliveriesAsync(name)).Select(d => d.Discard(_committed)));
        return new SubscriptionChange(SubscriptionCode.Done, SubscriptionRules.View(subscription, Now), []);
    }

    public async Task<SubscriptionChange> RotateSecret(string name, string? secret, TimeSpan overlap)
    {
        if (Writable(name) is { } refused)
        {
            return refused;
        }

        ImmutableArray<FieldProblem> problems =
        [
            .. SubscriptionRules.SecretProblem(secret) is { } bad ? [bad] : Array.Empty<FieldProblem>(),
            .. overlap < TimeSpan.Zero || overlap > SubscriptionRules.MaxOverlap
                ? [new FieldProblem("overlapSeconds", $"The overlap must be 0-{SubscriptionRules.MaxOverlap.TotalSeconds:0} seconds, not {overlap.TotalSeconds:0}.")]
                : Array.Empty<FieldProblem>(),
        ];
        if (!problems.IsEmpty)
        {
            return new SubscriptionChange(SubscriptionCode.Invalid, null, problems);
        }

        var generated = secret is null ? SubscriptionRules.NewSecret() : null;
        var now = Now;
        var subscription = Find(name)!;
        subscription = subscription with { Secrets = SubscriptionRules.Rotate(subscription.Secrets, secret ?? generated!, now, overlap), UpdatedAt = now };
        Replace(subscription);
        await CommitAsync();
        LogSecretRotated(name, now + overlap);
        await TellPublishersAsync(subscription, subscription, pausedChanged: false);
        return new SubscriptionChange(SubscriptionCode.Done, SubscriptionRules.View(subscription, now), [], generated);
    }

    private Subscription? Find(string name) => State.Subscriptions.Find(s => s.Name == name);

    private void Replace(Subscription subscription) => State.Subscriptions[State.Subscriptions.FindIndex(s => s.Name == subscription.Name)] = subscription;

    private SubscriptionChange? Writable(string name)
        => router.IsConfigured(name) ? Refused(SubscriptionCode.Configured)
            : Find(name) is null ? Refused(SubscriptionCode.NotFound)
            : null;

    private static SubscriptionChange Refused(SubscriptionCode code) => new(code, null, []);

    /// <summary>A subscription that newly takes availability changes starts at the feed's current position, or at its start for a snapshot.</summary>
    private async Task<Subscription> WithFeedStartAsync(Subscription subscription, bool takenBefore)
    {
        if (takenBefore || !SubscriptionRules.TakesAvailability(subscription.EventTypes))
        {
            return subscription;
        }

        var bounds = await feed.BoundsAsync(CancellationToken.None);
        return subscription with { FeedEpoch = bounds.Epoch, FeedStart = subscription.Start == SubscriptionStart.Snapshot ? 0 : bounds.Allocated };
    }

    /// <summary>Writes the change, then routes by it on this silo. A failed write leaves memory ahead of storage: the next activation reads storage again.</summary>
    private async Task CommitAsync()
    {
        State.Version++;
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }

        _committed = Set;
        router.Apply(_committed);
    }

    /// <summary>
    /// Each of the target's publishers takes the new set on its silo (the availability publisher when the target takes, or
    /// took, availability); the availability publisher starts if the target takes availability now.
    /// </summary>
    private async Task TellPublishersAsync(Subscription before, Subscription subscription, bool pausedChanged)
    {
        var set = _committed;
        var availability = SubscriptionRules.TakesAvailability(subscription.EventTypes);
        var deliveries = (await DeliveriesAsync(subscription.Name, availability || SubscriptionRules.TakesAvailability(before.EventTypes))).ToList();
        await Task.WhenAll(deliveries.Select(d => d.Reconfigure(set)));
        if (pausedChanged)
        {
            await Task.WhenAll(deliveries.Select(d => d.SetPaused(subscription.Paused)));
        }

        if (availability)
        {
            await GrainFactory.GetGrain<IAvailabilityPublisherGrain>(subscription.Name).Wake();
        }
    }

    /// <summary>The target's publisher partitions (while a change of their count settles, those beyond it too), and its availability publisher if asked for.</summary>
    private async Task<IEnumerable<IOutboundDeliveryGrain>> DeliveriesAsync(string name, bool availability = true)
    {
        IEnumerable<IOutboundDeliveryGrain> partitions = await router.PublishersAsync(GrainFactory, name);
        return availability ? partitions.Append(GrainFactory.GetGrain<IAvailabilityPublisherGrain>(name)) : partitions;
    }
}
