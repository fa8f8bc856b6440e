using Microsoft.Extensions.Options;

namespace Grid.Gateway.Events;

/// <summary>Measures the event queues' lag every <see cref="GridIngestOptions.LagProbeInterval"/> for <see cref="IngestBackPressure"/>.</summary>
internal sealed partial class IngestLagProbe(
    IngestBackPressure backPressure, IOptions<GridIngestOptions> options, TimeProvider clock, ILogger<IngestLagProbe> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (backPressure.Lag is not { } lag)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.LagProbeInterval, clock);
        var failing = false;
        do
        {
            try
            {
                await lag.RefreshAsync(stoppingToken);
                failing = false;
                backPressure.ProbeFailing(false);
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                // The figures refuse nothing until measured again; the enqueue answers for the outage.
                backPressure.ProbeFailing(true);
                if (!failing)
                {
                    LogProbeFailed(e);
                }

                failing = true;
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(EventId = 2301, EventName = "IngestLagProbeFailed", Level = LogLevel.Warning,
        Message = "The event queues' lag cannot be measured; back-pressure is off until it can")]
    private partial void LogProbeFailed(Exception exception);
}
