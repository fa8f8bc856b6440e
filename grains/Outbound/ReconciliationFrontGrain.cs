using System.Collections.Immutable;
using Orleans.Concurrency;

namespace Grid.Outbound;

/// <summary>
/// The front of stock reconciliation: hands each snapshot to its location's grain, and merges the locations' latest
/// reports, newest first, for the list. Holds nothing, so it runs on every silo.
/// </summary>
[StatelessWorker]
public sealed class ReconciliationFrontGrain : Grain, IReconciliationGrain
{
    public Task<ReconcileResult> Reconcile(StockSnapshot snapshot) => Location(snapshot.Location).Reconcile(snapshot);

    public async Task<ImmutableArray<ReconciliationReport>> GetReports(string? location, int limit)
    {
        if (location is not null)
        {
            return await Location(location).GetReports(limit);
        }

        var locations = await GrainFactory.GetGrain<IReconciliationLocationsGrain>(0).List();
        var reports = await Task.WhenAll(locations.Select(l => Location(l).GetReports(limit)));
        return [.. reports.SelectMany(r => r).OrderByDescending(r => r.ReconciledAt).ThenBy(r => r.Location, StringComparer.Ordinal).Take(limit)];
    }

    private IReconciliationLocationGrain Location(string location) => GrainFactory.GetGrain<IReconciliationLocationGrain>(location);
}
