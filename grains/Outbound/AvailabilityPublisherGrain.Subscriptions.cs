using Grid.Domain.Outbound;

namespace Grid.Outbound;

// The target's settings, as configured or subscribed through the API: taken at activation and when a subscription changes.
public sealed partial class AvailabilityPublisherGrain
{
    private bool _discarded;

    public Task Reconfigure(SubscriptionSet subscriptions)
    {
        _router.Apply(subscriptions);
        var options = TargetTakingAvailability();
        if ((options is null) != (_options is null))
        {
            // It starts or stops taking availability: the next activation (the registry wakes it) starts as it now should.
            _options = null;
            DeactivateOnIdle();
        }
        else if (options is not null)
        {
            TakeOptions(options);
            Kick();
        }

        return Task.CompletedTask;
    }

    public async Task Discard(SubscriptionSet subscriptions)
    {
        _router.Apply(subscriptions);
        _options = null;
        _discarded = true;
        _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        await this.DropAsync(() => _store.ClearStateAsync(), ReminderName);
    }

    /// <summary>The target's settings if it takes availability changes; when this silo does not know the target, it asks the registry first.</summary>
    private async Task<OutboundTargetOptions?> TargetTakingAvailabilityAsync()
    {
        if (_router.Target(_target) is null)
        {
            await _router.CatchUpAsync(GrainFactory);
        }

        return TargetTakingAvailability();
    }

    private OutboundTargetOptions? TargetTakingAvailability()
        => _router.TargetsFor(OutboundEventTypes.AvailabilityChanged.Type).Contains(_target) ? _router.Target(_target) : null;

    private void TakeOptions(OutboundTargetOptions options)
    {
        _options = options;
        _bucket = new TokenBucket(options.MaxRequestsPerSecond, Math.Max(1, options.MaxRequestsPerSecond));
        _policy = options.ToRetryPolicy();
    }
}
