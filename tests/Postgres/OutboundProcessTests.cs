using Grid.Outbound;
using Grid.Tests.Grains;
using Grid.Tests.Outbound;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Tests.Postgres;

/// <summary>
/// Given a silo process on PostgreSQL whose ERP target is down: the backlog it built is still there after the silo is
/// killed with <c>kill -9</c>, and a restarted silo delivers all of it once the target is back, with no one calling the
/// publishers (their reminders wake them). And a restart with another partition count loses and doubles nothing
/// (<c>OutboundProcessTests.Partitions.cs</c>).
/// </summary>
[Trait("Category", "Postgres")]
[Collection(SiloProcessCollection.Name)]
public sealed partial class OutboundProcessTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _receiver = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task A_silo_killed_with_a_backlog_delivers_it_all_after_a_restart()
    {
        var down = true;
        _receiver.Behaviour = _ => down ? new Reply(503) : Reply.Ok;
        string[] outbound =
        [
            $"--Grid:Outbound:Targets:erp:Url={_receiver.Url("erp")}",
            $"--Grid:Outbound:Targets:erp:Secret={WebhookReceiver.Secret}",
            "--Grid:Outbound:Targets:erp:EventTypes:0=grid.inventory.*",
            "--Grid:Outbound:Targets:erp:InitialBackoff=00:00:00.200",
            "--Grid:Outbound:Targets:erp:MaxBackoff=00:00:01",
            "--Grid:Outbound:Targets:erp:MaxAttempts=1000",
            "--Grid:Outbound:ReminderPeriod=00:00:02",
            "--Grid:Reminders:MinimumReminderPeriod=00:00:01",
        ];
        var siloPort = FreePorts.Next();
        var skus = Enumerable.Range(0, 20).Select(i => TestIds.New($"OUT{i}")).ToList();
        await using (var before = await SiloProcess.StartAsync(_database.ConnectionString, siloPort, outbound))
        {
            using var client = await SiloProcess.StartClientAsync(_database.ConnectionString);
            var grains = client.Services.GetRequiredService<IGrainFactory>();
            await before.ExplainingFailuresAsync(async () =>
            {
                foreach (var sku in skus)
                {
                    await grains.Inventory(sku).Receive(10, DateTimeOffset.UtcNow);
                }

                await Eventually.ThatAsync(
                    async () => await BacklogDepthAsync(grains) == skus.Count
                        && skus.All(s => _receiver.All.Any(r => r.Subject == $"inventory/{s}@DC1")),
                    "a backlog the target refused at least once per SKU-location", TimeSpan.FromSeconds(120));
            });
            before.Kill();
        }

        down = false;
        var refusedBeforeRestart = _receiver.All.Count;
        await using var after = await SiloProcess.StartAsync(_database.ConnectionString, siloPort, outbound);

        await after.ExplainingFailuresAsync(() => Eventually.ThatAsync(
            () => Task.FromResult(skus.All(s => _receiver.AcceptedFor($"inventory/{s}@DC1").Count == 1)),
            "every SKU-location's availability delivered after the restart", TimeSpan.FromSeconds(90)));
        Assert.All(skus, s => Assert.Equal(10, _receiver.AcceptedFor($"inventory/{s}@DC1")[0].Data.GetProperty("onHand").GetInt64()));
        Assert.All(_receiver.Accepted, r => Assert.True(r.SignatureValid));
        Assert.True(refusedBeforeRestart >= skus.Count);
    }

    /// <summary>
    /// The target's depth, or -1 while its publishers cannot answer: on a loaded machine a publisher's first activation
    /// in a new silo can time out (Orleans gives up after 30 s), and the next call activates it again.
    /// </summary>
    private static async Task<long> BacklogDepthAsync(IGrainFactory grains)
    {
        try
        {
            return (await grains.GetGrain<IOutboundOpsGrain>(0).GetTargets()).Single().Depth;
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException or OrleansException)
        {
            return -1;
        }
    }
}
