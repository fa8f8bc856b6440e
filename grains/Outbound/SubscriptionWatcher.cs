using Grid.Domain.Outbound;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grid.Outbound;

/// <summary>
/// Keeps this silo's <see cref="OutboundRouter"/> on the registry's subscriptions: once the silo is active (then it
/// starts the availability publishers of the subscriptions that take availability), and every
/// <see cref="OutboundOptions.SubscriptionRefresh"/> after.
/// </summary>
public sealed partial class SubscriptionWatcher(
    OutboundRouter router, IGrainFactory grains, IOptions<OutboundOptions> options, TimeProvider clock, ILogger<SubscriptionWatcher> logger)
    : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _watching = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle)
        => lifecycle.Subscribe(nameof(SubscriptionWatcher), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    public void Dispose() => _stopping.Dispose();

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await router.CatchUpAsync(grains);
            await Task.WhenAll(router.TargetNames
                .Where(t => !router.IsConfigured(t) && router.TargetsFor(OutboundEventTypes.AvailabilityChanged.Type).Contains(t))
                .Select(t => grains.GetGrain<IAvailabilityPublisherGrain>(t).Wake()));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The publishers' reminders still bring them back; the loop tries again.
            LogRefreshFailed(ex);
        }

        _watching = WatchAsync();
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _watching.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task WatchAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.SubscriptionRefresh, clock, _stopping.Token);
                await router.CatchUpAsync(grains);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogRefreshFailed(ex);
            }
        }
    }

    [LoggerMessage(EventId = 1424, EventName = "SubscriptionRefreshFailed", Level = LogLevel.Warning,
        Message = "The subscriptions could not be read from their registry; this silo routes by those it has and asks again shortly")]
    private partial void LogRefreshFailed(Exception exception);
}
