using Grid.Exceptions;

namespace Grid.Tests.Postgres;

/// <summary>Given a database with the schema: the exception queue's partitions are grain state in PostgreSQL and outlive the silos.</summary>
[Trait("Category", "Postgres")]
public sealed class ExceptionQueuePersistenceTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task The_queue_with_its_states_and_counts_survives_a_full_cluster_restart()
    {
        var tag = TestIds.Tag();
        var (acknowledged, resolved) = (Report($"A-{tag}", "a1"), Report($"B-{tag}", "b1"));
        string acknowledgedId, resolvedId;
        await using (var first = await PostgresCluster.StartAsync(_database, 1))
        {
            var queue = first.Client.GetGrain<IExceptionQueueGrain>(0);
            await queue.Report([acknowledged, resolved]);
            (acknowledgedId, resolvedId) = (await IdOf(queue, $"A-{tag}"), await IdOf(queue, $"B-{tag}"));
            await queue.Act(acknowledgedId, new ExceptionAction(ExceptionActionType.Acknowledge, "alice"));
            await queue.Act(resolvedId, new ExceptionAction(ExceptionActionType.Resolve, "bob", Note: "reshipped"));
            await first.StopAllSilosAsync();
        }

        await using var second = await PostgresCluster.StartAsync(_database, 1);
        var reloaded = second.Client.GetGrain<IExceptionQueueGrain>(0);
        var a = (await reloaded.Get(acknowledgedId))!;
        var b = (await reloaded.Get(resolvedId))!;
        Assert.Equal((ExceptionState.Acknowledged, "alice"), (a.State, a.AcknowledgedBy));
        Assert.Equal((ExceptionState.Resolved, "bob", "reshipped"), (b.State, b.ResolvedBy, b.Resolution));

        // What it remembers works on: a repeat of a seen occurrence is not counted, a new one is.
        await reloaded.Report([acknowledged, Report($"A-{tag}", "a2")]);
        Assert.Equal(2, (await reloaded.Get(acknowledgedId))!.Count);
        var page = await reloaded.List(new ExceptionFilter([], [ExceptionState.Acknowledged, ExceptionState.Resolved]), null, 10);
        var listed = page!.Exceptions.Select(e => e.Id).ToList();
        Assert.Contains(acknowledgedId, listed);
        Assert.Contains(resolvedId, listed);
    }

    private static ExceptionReportInput Report(string orderId, string sourceId)
        => new(ExceptionKind.CarrierException, new ExceptionSubject(ExceptionSubjectType.Order, orderId), "parcel damaged", DateTimeOffset.UtcNow, sourceId);

    private static async Task<string> IdOf(IExceptionQueueGrain queue, string orderId)
        => (await queue.List(new ExceptionFilter([], [], SubjectId: orderId), null, 10))!.Exceptions.Single().Id;
}
