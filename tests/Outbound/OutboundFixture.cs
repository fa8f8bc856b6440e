using System.Collections.Immutable;
using Grid.Hosting;
using Grid.Outbound;
using Grid.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace Grid.Tests.Outbound;

/// <summary>
/// Given a one-silo in-process cluster (in-memory providers, a fake clock for its grains) whose outbound targets
/// <c>erp</c> (every type), <c>crm</c> (orders and commitments) and <c>wms</c> (releases, in batches of 10) point at a real local <see cref="WebhookReceiver"/>.
/// Back-off and the publishers' timers run on the fake clock: tests move it on instead of sleeping.
/// </summary>
public sealed class OutboundFixture : IAsyncLifetime
{
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));

    public WebhookReceiver Receiver { get; private set; } = null!;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public OutboundRouter Router { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Grid:Outbound:Partitions"] = "2",
            ["Grid:Outbound:PollInterval"] = "00:00:00.050",
            ["Grid:Outbound:Source"] = "/grid/tests",
            ["Grid:Outbound:Targets:erp:Url"] = Receiver.Url("erp"),
            ["Grid:Outbound:Targets:erp:Secret"] = WebhookReceiver.Secret,
            ["Grid:Outbound:Targets:erp:EventTypes:0"] = "*",
            ["Grid:Outbound:Targets:erp:MaxRequestsPerSecond"] = "1000",
            ["Grid:Outbound:Targets:erp:MaxConcurrentRequests"] = "8",
            ["Grid:Outbound:Targets:erp:BatchSize"] = "1",
            ["Grid:Outbound:Targets:erp:MaxAttempts"] = "6",
            ["Grid:Outbound:Targets:erp:Timeout"] = "00:00:01",
            ["Grid:Outbound:Targets:erp:InitialBackoff"] = "00:00:10",
            ["Grid:Outbound:Targets:erp:MaxBackoff"] = "00:05:00",
            ["Grid:Outbound:Targets:crm:Url"] = Receiver.Url("crm"),
            ["Grid:Outbound:Targets:crm:Secret"] = WebhookReceiver.PlainSecret,
            ["Grid:Outbound:Targets:crm:BatchSize"] = "1",
            ["Grid:Outbound:Targets:crm:EventTypes:0"] = "grid.order.*",
            ["Grid:Outbound:Targets:crm:EventTypes:1"] = "grid.commitment.revised.v1",
            ["Grid:Outbound:Targets:wms:Url"] = Receiver.Url("wms"),
            ["Grid:Outbound:Targets:wms:Secret"] = WebhookReceiver.Secret,
            ["Grid:Outbound:Targets:wms:EventTypes:0"] = "grid.order.released.v1",
            ["Grid:Outbound:Targets:wms:BatchSize"] = "10",
            ["Grid:Outbound:Targets:wms:MaxConcurrentRequests"] = "2",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

        Cluster = await TestClusters.StartAsync(1, silo =>
        {
            silo.Services.AddSingleton<TimeProvider>(Clock);
            silo.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            silo.Services.AddGridGrains(configuration);
            silo.UseGridInMemoryProviders();
        });
        Router = new OutboundRouter(Microsoft.Extensions.Options.Options.Create(configuration.GetSection(OutboundOptions.SectionName).Get<OutboundOptions>()!));
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await Receiver.DisposeAsync();
    }

    public IOutboundOpsGrain Ops => Grains.GetGrain<IOutboundOpsGrain>(0);

    public IOutboundPublisherGrain Publisher(string target, string subject)
        => Grains.GetGrain<IOutboundPublisherGrain>(OutboundRouter.PublisherKey(target, Router.PartitionOf(subject)));

    /// <summary>Moves the fake clock past any back-off and wakes every publisher.</summary>
    public async Task SkipBackoffAsync(TimeSpan? by = null)
    {
        Clock.Advance(by ?? TimeSpan.FromMinutes(10));
        foreach (var target in new[] { "erp", "crm", "wms" })
        {
            for (var p = 0; p < Router.Partitions; p++)
            {
                await Grains.GetGrain<IOutboundPublisherGrain>(OutboundRouter.PublisherKey(target, p)).Wake();
            }
        }

        await Grains.GetGrain<IAvailabilityPublisherGrain>("erp").Wake();
    }

    /// <summary>For <see cref="Eventually"/>: true once <paramref name="done"/> holds; until then moves the clock past the back-off (5 minutes a look).</summary>
    public async Task<bool> SkippingBackoff(Func<bool> done)
    {
        if (done())
        {
            return true;
        }

        await SkipBackoffAsync(TimeSpan.FromMinutes(5));
        return false;
    }

    public static ImmutableArray<OutboundEvent> Events(string type, string subject, int count, DateTimeOffset time, int from = 1)
        => [.. Enumerable.Range(from, count).Select(i => new OutboundEvent(TestIds.New("EV"), type, subject, time, i, $$"""{"n":{{i}}}"""))];
}

[CollectionDefinition(Name)]
public sealed class OutboundCollection : ICollectionFixture<OutboundFixture>
{
    public const string Name = "Outbound delivery to a local receiver";
}
