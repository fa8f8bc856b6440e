using Grid.LoadTests.Compare;

namespace Grid.LoadTests.Elasticity;

/// <summary>
/// The timeline of an elasticity run on a running cluster under <see cref="SteadyLoad"/>: steady load, then each
/// change in turn, each followed by an observation in which the cluster's balance is watched; then the load stops and
/// <see cref="LossCheck"/> runs.
/// </summary>
internal sealed class ElasticityRun(GridCluster cluster, HttpClient client, HttpClient opsClient, ElasticitySettings settings)
{
    private readonly List<CaseResult> _results = [];

    public async Task<(IReadOnlyList<CaseResult> Cases, LossFigures Loss, int Requests)> RunAsync(LoadPlan plan, Action<string> progress, CancellationToken cancellationToken)
    {
        var load = new SteadyLoad(client, plan);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = load.RunAsync(stop.Token, cancellationToken);
        var lag = new LagSampler(opsClient, load.Clock);
        var sampling = lag.RunAsync(stop.Token);
        try
        {
            var marks = new List<(ClusterChange Change, TimeSpan From, TimeSpan At, double ActionSeconds, BalanceResult Balance, int Silos)>();
            foreach (var change in settings.Changes)
            {
                var from = load.Clock.Elapsed;
                await Task.Delay(settings.Steady, cancellationToken);
                var at = load.Clock.Elapsed;
                progress($"{change.Name()}: {change.Describe()} (at {at.TotalSeconds:0.0} s of load)");
                await ChangeAsync(change, cancellationToken);
                var actionSeconds = (load.Clock.Elapsed - at).TotalSeconds;
                using var observation = new CancellationTokenSource(settings.Observe);
                using var watching = CancellationTokenSource.CreateLinkedTokenSource(observation.Token, cancellationToken);
                var balance = await BalanceWatch.WaitAsync(opsClient, cluster.Silos.Count, watching.Token);
                await Task.Delay(Remaining(observation, settings.Observe, load.Clock.Elapsed - at - TimeSpan.FromSeconds(actionSeconds)), cancellationToken);
                if (change == ClusterChange.Kill)
                {
                    // Back to strength, as an orchestrator would restart it; measured in the next window, if any.
                    progress("kill: starting a replacement silo");
                    await cluster.AddSiloAsync(cancellationToken);
                }

                marks.Add((change, from, at, actionSeconds, balance, cluster.Silos.Count));
            }

            await stop.CancelAsync();
            progress("load stopped; waiting for operations in flight");
            await running;
            await sampling;
            var end = load.Clock.Elapsed;
            for (var i = 0; i < marks.Count; i++)
            {
                var (change, from, at, actionSeconds, balance, silos) = marks[i];
                var to = i + 1 < marks.Count ? marks[i + 1].From : end;
                var figures = CaseFigures.Of(load.Attempts, from, to, at);
                _results.Add(new CaseResult(
                    change, at.TotalSeconds, Math.Round(actionSeconds, 1), silos, figures, lag.Max(from, to), balance, figures.Meets(change, settings.KillWindow)));
            }

            progress("checking that every acknowledged reservation and receipt took effect exactly once");
            var loss = await LossCheck.RunAsync(opsClient, plan, load, cancellationToken);
            return (_results, loss, load.Attempts.Count);
        }
        finally
        {
            await stop.CancelAsync();
            await running.ContinueWith(_ => { }, TaskScheduler.Default);
            await sampling.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task ChangeAsync(ClusterChange change, CancellationToken cancellationToken)
    {
        switch (change)
        {
            case ClusterChange.Join:
                await cluster.AddSiloAsync(cancellationToken);
                break;
            case ClusterChange.Leave:
                await cluster.StopSiloAsync(cluster.Silos[^1], cancellationToken);
                break;
            case ClusterChange.Rolling:
                foreach (var silo in cluster.Silos.ToList())
                {
                    await cluster.StopSiloAsync(silo, cancellationToken);
                    await cluster.AddSiloAsync(cancellationToken);
                }

                break;
            case ClusterChange.Kill:
                cluster.KillSilo(cluster.Silos[^1]);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(change));
        }
    }

    private static TimeSpan Remaining(CancellationTokenSource observation, TimeSpan observe, TimeSpan spent)
        => observation.IsCancellationRequested || spent >= observe ? TimeSpan.Zero : observe - spent;
}

/// <summary>The changes to make, the steady load before each, the observation after each, and the kill's failure window.</summary>
internal sealed record ElasticitySettings(IReadOnlyList<ClusterChange> Changes, TimeSpan Steady, TimeSpan Observe, TimeSpan KillWindow);

/// <summary>
/// One change: when it began (seconds of load), how long the change itself took, the silos after it, what clients
/// saw, the oldest queued event's age at most, the balance, and whether the target was met.
/// </summary>
internal sealed record CaseResult(
    ClusterChange Change, double At, double ActionSeconds, int SilosAfter, CaseFigures Clients, double? MaxApplyLagSeconds, BalanceResult Balance, bool Met);
