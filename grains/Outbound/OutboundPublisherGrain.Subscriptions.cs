using Grid.Domain.Outbound;
using Grid.Infrastructure;

namespace Grid.Outbound;

// The target's settings, as configured or subscribed through the API: taken at activation and when a subscription changes.
public sealed partial class OutboundPublisherGrain
{
    private bool _discarded;

    public Task Reconfigure(SubscriptionSet subscriptions)
    {
        _router.Apply(subscriptions);
        TakeOptions(_router.Target(_target));
        if (_options is not null && Queue.HasPending)
        {
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
        _reminder = null;
        GridInstruments.ReportOutbox(_target, _partition, 0, null, 0);
        await this.DropAsync(() => _store.ClearStateAsync(), ReminderName);
    }

    /// <summary>The target's settings; when this silo does not know the target, it asks the registry first (a subscription just made elsewhere).</summary>
    private async Task LoadTargetAsync()
    {
        if (_router.Target(_target) is null)
        {
            await _router.CatchUpAsync(GrainFactory);
        }

        TakeOptions(_router.Target(_target));
    }

    private void TakeOptions(OutboundTargetOptions? options)
    {
        _options = options;
        if (options is null)
        {
            return;
        }

        var partitions = _router.Partitions;
        var rate = options.MaxRequestsPerSecond / partitions;
        _bucket = new TokenBucket(rate, Math.Max(1, rate));
        _concurrency = Math.Max(1, options.MaxConcurrentRequests / partitions);
        _policy = options.ToRetryPolicy();
        _retention = new Retention(_router.Options.RetainDelivered, _router.Options.RetainFor);
    }
}
