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
[Trait("Category", "Postgres")]
public sealed class StreamDeliveryTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();
    private TestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _cluster = await PostgresCluster.StartAsync(_database, silos: 2, maxDeliveryTime: TimeSpan.FromSeconds(6));
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
        var sku = TestIds.New("STREAM");
        var stream = PartitionOf(sku);

        await stream.OnNextBatchAsync([Queued(sku, Receipt("r1", 7)), Queued(sku, Receipt("r2", 5))]);

        await Eventually.ThatAsync(async () => (await Inventory(sku).GetDetail()).OnHand == 12, "both receipts applied");
        await Eventually.ThatAsync(async () => await QueuedAsync() == 0, "the queue emptied");
    }

    [Fact]
    public async Task The_same_movement_queued_twice_is_applied_once()
    {
        var sku = TestIds.New("STREAM");
        var stream = PartitionOf(sku);

        await stream.OnNextBatchAsync([Queued(sku, Receipt("dup", 9))]);
        await stream.OnNextBatchAsync([Queued(sku, Receipt("dup", 9))]);
        await stream.OnNextBatchAsync([Queued(sku, Receipt("after", 1))]);

        await Eventually.ThatAsync(async () => await QueuedAsync() == 0, "the queue emptied");
        Assert.Equal(10, (await Inventory(sku).GetDetail()).OnHand);
    }

    [Fact]
    public async Task A_message_its_consumer_keeps_failing_on_goes_to_the_dead_letters_and_the_next_one_is_delivered()
    {
        var key = TestIds.Tag(32);
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

        // An operator sees it in the exception queue, beside everything else to act on.
        var raised = await Eventually.ReadAsync(
            async () => (await _cluster.Client.GetGrain<Grid.Exceptions.IExceptionQueueGrain>(0).List(
                new Grid.Exceptions.ExceptionFilter([Grid.Exceptions.ExceptionKind.StreamDeadLetter], []), null, 10))!.Exceptions,
            e => e.Length > 0, "the dead letter in the exception queue");
        Assert.Equal(Grid.Exceptions.ExceptionSubjectType.Stream, Assert.Single(raised).Subject.Type);
        Assert.Contains("kept failing", raised[0].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_partition_backlog_reaches_every_SKU_location_in_queue_order()
    {
        // 40 SKU-locations on one partition, each sent a receipt of 5, a count of 3 and a receipt of 2 in separate
        // messages: the count only leaves 5 on hand when every SKU-location sees its three events in queue order.
        const int skuLocations = 40;
        var prefix = TestIds.New("ORDER");
        var skus = Enumerable.Range(0, 400).Select(i => $"{prefix}-{i}")
            .Where(sku => GridStreams.InventoryPartition($"{sku}@DC1", Partitions) == GridStreams.PartitionKey(0))
            .Take(skuLocations).ToList();
        Assert.Equal(skuLocations, skus.Count);
        var partition = Stream<QueuedMovement>(GridStreams.Inventory, GridStreams.PartitionKey(0));

        await using var held = await HoldDeliveryAsync();
        foreach (var (step, movement) in new[] { ("a", Receipt("a", 5)), ("b", Count("b", 3)), ("c", Receipt("c", 2)) })
        {
            foreach (var sku in skus)
            {
                await partition.OnNextBatchAsync([Queued(sku, movement with { EventId = $"{sku}-{step}" })]);
            }
        }

        await held.DisposeAsync();
        await Eventually.ThatAsync(async () => await QueuedAsync() == 0, "the queue emptied");
        foreach (var sku in skus)
        {
            Assert.Equal(5, (await Inventory(sku).GetDetail()).OnHand);
        }
    }

    [Fact]
    public async Task A_SKU_location_that_keeps_failing_sends_only_its_own_events_to_the_dead_letters()
    {
        var prefix = TestIds.New("POISON");
        var skus = Enumerable.Range(0, 400).Select(i => $"{prefix}-{i}")
            .Where(sku => GridStreams.InventoryPartition($"{sku}@DC1", Partitions) == GridStreams.PartitionKey(1))
            .Take(2).ToList();
        var (broken, healthy) = (skus[0], skus[1]);
        await _database.ExecuteAsync(
            $"INSERT INTO grid_inventory (service_id, grain_key, version, header) VALUES ('grid-tests', '{broken}@DC1', 1, 'not json'::bytea)");
        var partition = Stream<QueuedMovement>(GridStreams.Inventory, GridStreams.PartitionKey(1));

        await using (await HoldDeliveryAsync())
        {
            await partition.OnNextBatchAsync([Queued(broken, Receipt("b1", 4)), Queued(healthy, Receipt("h1", 6))]);
            await partition.OnNextBatchAsync([Queued(healthy, Receipt("h2", 1))]);
        }

        await Eventually.ThatAsync(async () => await QueuedAsync() == 0, "the queue emptied", TimeSpan.FromSeconds(60));
        Assert.Equal(7, (await Inventory(healthy).GetDetail()).OnHand);
        var statistics = await Queues().GetStatisticsAsync();
        var deadLetter = Assert.Single(statistics.RecentDeadLetters);
        Assert.Equal(GridStreams.PartitionKey(1), deadLetter.StreamKey);
        Assert.Contains($"{broken}@DC1 kept failing", deadLetter.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batched_delivery_its_consumer_keeps_failing_on_goes_to_the_dead_letters_whole()
    {
        var key = TestIds.Tag(32);
        var stream = Stream<string>(PoisonBatchTestConsumerGrain.Namespace, key);

        await using (await HoldDeliveryAsync())
        {
            await stream.OnNextAsync("poison");
            await stream.OnNextAsync("innocent");
        }

        await Eventually.ThatAsync(async () => (await Queues().GetStatisticsAsync()).DeadLetters == 2, "both messages of the delivery dead-lettered", TimeSpan.FromSeconds(60));
        Assert.All((await Queues().GetStatisticsAsync()).RecentDeadLetters, d => Assert.Equal(key, d.StreamKey));
        await Eventually.ThatAsync(async () => await QueuedAsync() == 0, "the queue emptied");
    }

    private const int Partitions = 8;

    /// <summary>
    /// Receivers read only rows older than the oldest transaction still open, so an open transaction holds back what is
    /// queued after it; once it ends, all of it is read at once and travels in as few deliveries as it may.
    /// </summary>
    private async Task<IAsyncDisposable> HoldDeliveryAsync()
    {
        var connection = new Npgsql.NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using (var command = new Npgsql.NpgsqlCommand("SELECT pg_current_xact_id()", connection, transaction))
        {
            await command.ExecuteScalarAsync();
        }

        return new HeldDelivery(connection, transaction);
    }

    private sealed class HeldDelivery(Npgsql.NpgsqlConnection connection, Npgsql.NpgsqlTransaction transaction) : IAsyncDisposable
    {
        private bool _released;

        public async ValueTask DisposeAsync()
        {
            if (_released)
            {
                return;
            }

            _released = true;

            // Visibility follows the oldest transaction open on the whole server, not only this database: another test's
            // transaction that took its id between two of the held messages would let the first be read without the
            // second. Released only when no other transaction holds an id, every held message shows at once (ids
            // given out after this check are newer than all of them).
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            await using (var others = new Npgsql.NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()", connection, transaction))
            {
                while ((long)(await others.ExecuteScalarAsync())! > 0 && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(5);
                }
            }

            await transaction.CommitAsync();
            await connection.DisposeAsync();
        }
    }

    private static WarehouseMovement Receipt(string eventId, long quantity)
        => new(eventId, "stream-test", DateTimeOffset.UtcNow, MovementType.Receipt, quantity);

    private static WarehouseMovement Count(string eventId, long counted)
        => new(eventId, "stream-test", DateTimeOffset.UtcNow, MovementType.CycleCount, counted);

    private static QueuedMovement Queued(string sku, WarehouseMovement movement) => new($"{sku}@DC1", movement);

    private IAsyncStream<QueuedMovement> PartitionOf(string sku)
        => Stream<QueuedMovement>(GridStreams.Inventory, GridStreams.InventoryPartition($"{sku}@DC1", Partitions));

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

[Alias("grid.tests.IPoisonBatchTestConsumerGrain")]
public interface IPoisonBatchTestConsumerGrain : IGrainWithStringKey;

/// <summary>A consumer of a batched namespace that fails every delivery holding "poison".</summary>
[ImplicitStreamSubscription(Namespace)]
public sealed class PoisonBatchTestConsumerGrain : Grain, IPoisonBatchTestConsumerGrain, IStreamSubscriptionObserver, IAsyncBatchObserver<string>
{
    public const string Namespace = "poison-batch-test";

    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) => handleFactory.Create<string>().ResumeAsync(this);

    public Task OnNextAsync(IList<SequentialItem<string>> items)
        => items.Any(i => i.Item == "poison")
            ? throw new InvalidOperationException("This consumer cannot handle poison.")
            : Task.CompletedTask;

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}
