using System.Collections.Immutable;
using Grid.Exceptions;
using Grid.Kpis;

namespace Grid.Tests.Postgres;

/// <summary>Given a database with the schema: the KPI history is grain state in PostgreSQL, one row per hour, and outlives the silos.</summary>
[Trait("Category", "Postgres")]
public sealed class KpiHistoryPostgresTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task A_resolution_recorded_before_a_full_cluster_restart_is_in_the_kpis_after_it()
    {
        var order = $"O-{TestIds.Tag()}";
        await using (var first = await PostgresCluster.StartAsync(_database, 1))
        {
            var queue = first.Client.GetGrain<IExceptionQueueGrain>(0);
            await queue.Report([new ExceptionReportInput(ExceptionKind.CarrierException, new ExceptionSubject(ExceptionSubjectType.Order, order), "parcel damaged", DateTimeOffset.UtcNow, "c1")]);
            var id = (await queue.List(new ExceptionFilter([], [], SubjectId: order), null, 10))!.Exceptions.Single().Id;
            await queue.Act(id, new ExceptionAction(ExceptionActionType.Resolve, "bob", Note: "reshipped"));
            await Eventually.ReadAsync(() => CarrierResolutions(first.Client), n => n == 1, "the resolution in the history");
            await first.StopAllSilosAsync();
        }

        await using var second = await PostgresCluster.StartAsync(_database, 1);

        Assert.Equal(1, await CarrierResolutions(second.Client));
    }

    private static async Task<long> CarrierResolutions(IGrainFactory grains)
    {
        var report = await grains.GetGrain<IKpiGrain>(0).Report("24h");
        return (report!.ExceptionResolution.IsDefault ? ImmutableArray<ResolutionTime>.Empty : report.ExceptionResolution)
            .Where(r => r.Kind == "carrierException").Sum(r => r.Resolved);
    }
}
