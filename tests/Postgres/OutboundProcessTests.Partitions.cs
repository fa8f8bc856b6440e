using Grid.Outbound;
using Grid.Tests.Outbound;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Tests.Postgres;

// Given a silo process on PostgreSQL with events waiting for a paused target: the silo is killed and restarted with
// another Grid:Outbound:Partitions, more events for the same subjects arrive at their new partitions, and the target is
// resumed. Every event is delivered exactly once, each subject in order and numbered on without a gap.
public sealed partial class OutboundProcessTests
{
    private const int MovingSubjects = 12;
    private const int Before = 3;
    private const int After = 2;

    [Fact]
    public Task Growing_the_partition_count_with_events_waiting_delivers_each_subject_once_and_in_order()
        => RestartWithAsync(from: 2, to: 5);

    [Fact]
    public Task Shrinking_the_partition_count_with_events_waiting_delivers_each_subject_once_and_in_order()
        => RestartWithAsync(from: 5, to: 2);

    private async Task RestartWithAsync(int from, int to)
    {
        var subjects = Enumerable.Range(0, MovingSubjects).Select(i => $"order/{TestIds.New($"RB{i}")}").ToList();
        var siloPort = FreePorts.Next();
        await using (var before = await SiloProcess.StartAsync(_database.ConnectionString, siloPort, Arguments(from)))
        {
            using var client = await SiloProcess.StartClientAsync(_database.ConnectionString);
            var grains = client.Services.GetRequiredService<IGrainFactory>();
            await before.ExplainingFailuresAsync(async () =>
            {
                await grains.GetGrain<IOutboundOpsGrain>(0).SetPaused("erp", paused: true);
                await AcceptAsync(grains, subjects, from, first: 1, Before);
                Assert.Equal(MovingSubjects * Before, (await grains.GetGrain<IOutboundOpsGrain>(0).GetTargets()).Single().Depth);
            });
            before.Kill();
        }

        await using var after = await SiloProcess.StartAsync(_database.ConnectionString, siloPort, Arguments(to));
        using var again = await SiloProcess.StartClientAsync(_database.ConnectionString);
        var ops = again.Services.GetRequiredService<IGrainFactory>();
        await after.ExplainingFailuresAsync(async () =>
        {
            await AcceptAsync(ops, subjects, to, first: Before + 1, After);
            await ops.GetGrain<IOutboundOpsGrain>(0).SetPaused("erp", paused: false);
            await Eventually.ThatAsync(
                () => Task.FromResult(_receiver.Accepted.Count(r => subjects.Contains(r.Subject)) >= MovingSubjects * (Before + After)),
                "every event delivered after the restart", TimeSpan.FromSeconds(120));
            await Eventually.ThatAsync(async () => await BacklogDepthAsync(ops) == 0, "nothing left waiting", TimeSpan.FromSeconds(60));
            Assert.Equal(to, (await ops.GetGrain<IOutboundOpsGrain>(0).GetTargets()).Single().Partitions);
        });

        Assert.All(subjects, s => Assert.Equal(
            Enumerable.Range(1, Before + After).Select(n => (n, (long)n)),
            _receiver.AcceptedFor(s).Select(r => (r.Data.GetProperty("n").GetInt32(), long.Parse(r.Sequence, System.Globalization.CultureInfo.InvariantCulture)))));
    }

    /// <summary>Events as a source grain hands them off: to the subject's partition under the count the silo routes by.</summary>
    private static async Task AcceptAsync(IGrainFactory grains, IEnumerable<string> subjects, int partitions, int first, int count)
    {
        foreach (var subject in subjects)
        {
            var events = OutboundFixture.Events("grid.order.accepted.v1", subject, count, DateTimeOffset.UtcNow, from: first);
            var result = await grains.GetGrain<IOutboundPublisherGrain>(OutboundRouter.PublisherKey("erp", OutboundRouter.PartitionOf(subject, partitions)))
                .Accept(events);
            Assert.Equal(count, result.Queued);
        }
    }

    private string[] Arguments(int partitions) =>
    [
        $"--Grid:Outbound:Partitions={partitions}",
        $"--Grid:Outbound:Targets:erp:Url={_receiver.Url("erp")}",
        $"--Grid:Outbound:Targets:erp:Secret={WebhookReceiver.Secret}",
        "--Grid:Outbound:Targets:erp:EventTypes:0=grid.order.*",
        "--Grid:Outbound:Targets:erp:BatchSize=1",
        "--Grid:Outbound:ReminderPeriod=00:00:02",
        "--Grid:Reminders:MinimumReminderPeriod=00:00:01",
    ];
}
