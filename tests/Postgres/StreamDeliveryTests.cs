using System.Collections.Concurrent;
using Grid.Inventory;
using Grid.Streams;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;
using Orleans.Streams.Core;
using Orleans.TestingHost;

namespace Grid.Tests.Postgres;

/// <summary>
/// The PostgreSQL stream provider inside a cluster on PostgreSQL: delivery to implicit subscribers, acknowledgement
/// by deletion, poison messages to the dead letters, duplicates changing nothing.
/// </summary>
public sealed class StreamDeliveryTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();
    private TestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _cluster = await PostgresCluster.StartAsync(_database, silos: 2, maxDeliveryTime: TimeSpan.FromSeconds(2));
    }

    public async Task DisposeAsync()
    {
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Queued_movements_reach_their_SKU_location_and_leave_the_queue_once_applied()
    {
        var sku = $"STREAM-{Guid.NewGuid():N}"[..20];
        var stream = Stream<WarehouseMovement>(GridStreams.Inventory, $"{sku}@DC1");

        await stream.OnNextBatchAsync([Receipt("r1", 7), Receipt("r2", 5)]);

        await Eventually.ThatAsync(async () => (await Inventory(sku).GetDetail()).OnHand == 12, "both receipts applied");
        await Eventually.ThatAsync(async () => await QueuedAsync() == 0, "the queue emptied");
    }

    [Fact]
    public async Task The_same_movement_queued_twice_is_applied_once()
    {
        var sku = $"STREAM-{Guid.NewGuid():N}"[..20];
        var stream = Stream<WarehouseMovement>(GridStreams.Inventory, $"{sku}@DC1");

        await stream.OnNextBatchAsync([Receipt("dup", 9)]);
        await stream.OnNextBatchAsync([Receipt("dup", 9)]);
        await stream.OnNextBatchAsync([Receipt("after", 1)]);

        await Eventually.ThatAsync(async () => await QueuedAsync() == 0, "the queue emptied");
        Assert.Equal(10, (await Inventory(sku).GetDetail()).OnHand);
    }

    [Fact]
    public async Task A_message_its_consumer_keeps_failing_on_goes_to_the_dead_letters_and_the_next_one_is_delivered()
    {
        var key = Guid.NewGuid().ToString("N");
        var stream = Stream<string>(PoisonTestConsumerGrain.Namespace, key);

        await stream.OnNextAsync("poison");
        await stream.OnNextAsync("fine");

        await Eventually.ThatAsync(() => Task.FromResult(PoisonTestConsumerGrain.Received.Contains($"{key}:fine")), "the message after the poison delivered", TimeSpan.FromSeconds(60));
        var statistics = await Queues().GetStatisticsAsync();
        var deadLetter = Assert.Single(statistics.RecentDeadLetters);
        Assert.Equal(PoisonTestConsumerGrain.Namespace, deadLetter.StreamNamespace);
        Assert.Equal(key, deadLetter.StreamKey);
        Assert.Contains("kept failing", deadLetter.Reason, StringComparison.Ordinal);
        await Eventually.ThatAsync(async () => await QueuedAsync() == 0, "the queue emptied");
    }

    private static WarehouseMovement Receipt(string eventId, long quantity)
        => new(eventId, "stream-test", DateTimeOffset.UtcNow, MovementType.Receipt, quantity);

    private IAsyncStream<T> Stream<T>(string @namespace, string key)
        => _cluster.Client.GetStreamProvider(GridStreams.ProviderName).GetStream<T>(StreamId.Create(@namespace, key));

    private IInventoryGrain Inventory(string sku) => _cluster.GrainFactory.GetGrain<IInventoryGrain>($"{sku}@DC1");

    private PostgresStreamQueues Queues() => _cluster.Client.ServiceProvider.GetRequiredKeyedService<PostgresStreamQueues>(GridStreams.ProviderName);

    private Task<long> QueuedAsync() => _database.ScalarAsync<long>("SELECT count(*) FROM grid_stream_message");
}

[Alias("grid.tests.IPoisonTestConsumerGrain")]
public interface IPoisonTestConsumerGrain : IGrainWithStringKey;

/// <summary>A consumer that always fails on "poison" and records everything else it receives.</summary>
[ImplicitStreamSubscription(Namespace)]
public sealed class PoisonTestConsumerGrain : Grain, IPoisonTestConsumerGrain, IStreamSubscriptionObserver, IAsyncObserver<string>
{
    public const string Namespace = "poison-test";

    public static ConcurrentBag<string> Received { get; } = [];

    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) => handleFactory.Create<string>().ResumeAsync(this);

    public Task OnNextAsync(string item, StreamSequenceToken? token = null)
    {
        if (item == "poison")
        {
            throw new InvalidOperationException("This consumer cannot handle poison.");
        }

        Received.Add($"{this.GetPrimaryKeyString()}:{item}");
        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}
