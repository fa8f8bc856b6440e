using Grid.Streams;
using Orleans.Configuration;

namespace Grid.Tests.Postgres;

/// <summary>
/// The durable queues' lag, which the gateway's back-pressure reads: per queue, how long its oldest waiting message
/// has waited, by the database's clock; a delivery its consumer has acknowledged no longer waits. A head that the next
/// measurement finds again has not been read since (the rules are specified in <c>QueueHeadWatchTests</c>).
/// </summary>
[Trait("Category", "Postgres")]
public sealed class StreamQueueLagTests : IAsyncLifetime
{
    private const string Provider = "grid-events";
    private const string Service = "lag-tests";

    private readonly PostgresDatabase _database = new();
    private PostgresStreamQueues _queues = null!;
    private PostgresStreamQueueLag _lag = null!;
    private PartitionedStreamQueueMapper _mapper = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _queues = new PostgresStreamQueues(Provider, new PostgresStreamOptions { ConnectionString = _database.ConnectionString }, Service);
        _mapper = PartitionedStreamQueueMapper.Create(new HashRingStreamQueueMapperOptions { TotalQueueCount = 4 }, Provider);
        _lag = new PostgresStreamQueueLag(_queues, _mapper, TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        await _queues.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Each_queue_reports_how_long_its_oldest_waiting_message_has_waited()
    {
        await QueueAsync(Service, queue: 1, secondsAgo: 5);
        await QueueAsync(Service, queue: 1, secondsAgo: 1);
        await QueueAsync(Service, queue: 2, secondsAgo: 0);

        await _lag.RefreshAsync(CancellationToken.None);

        Assert.InRange(_lag.LagOf(Partition(1)).Behind.TotalSeconds, 4.9, 60);
        Assert.InRange(_lag.LagOf(Partition(2)).Behind.TotalSeconds, 0, 4.9);
        Assert.Equal(QueueLag.None, _lag.LagOf(Partition(3)));
        Assert.NotNull(_lag.MeasuredAt);
    }

    [Fact]
    public async Task A_queue_whose_messages_were_all_applied_is_not_behind()
    {
        await QueueAsync(Service, queue: 0, secondsAgo: 30);
        await _lag.RefreshAsync(CancellationToken.None);
        Assert.True(_lag.LagOf(Partition(0)).Behind > TimeSpan.FromSeconds(29));

        await _database.ExecuteAsync("DELETE FROM grid_stream_message");
        await _lag.RefreshAsync(CancellationToken.None);

        Assert.Equal(QueueLag.None, _lag.LagOf(Partition(0)));
    }

    [Fact]
    public async Task A_delivery_its_consumer_acknowledges_stops_counting_at_once()
    {
        await QueueAsync(Service, queue: 1, secondsAgo: 30);
        await QueueAsync(Service, queue: 1, secondsAgo: 2);
        var oldest = await _database.ScalarAsync<string>(
            "SELECT transaction_id || '/' || message_id FROM grid_stream_message ORDER BY transaction_id, message_id LIMIT 1");
        var parts = oldest!.Split('/');
        var acknowledgements = new PostgresStreamAcknowledgements(_queues, _mapper);

        await acknowledgements.AcknowledgeAsync(Partition(1), [new QueuePosition(long.Parse(parts[0]), long.Parse(parts[1]), 0), new QueuePosition(long.Parse(parts[0]), long.Parse(parts[1]), 1)]);
        await _lag.RefreshAsync(CancellationToken.None);

        Assert.Equal(1, await _database.ScalarAsync<long>("SELECT count(*) FROM grid_stream_message"));
        Assert.InRange(_lag.LagOf(Partition(1)).Behind.TotalSeconds, 1.9, 29);
    }

    [Fact]
    public async Task A_head_the_next_measurement_finds_again_has_gone_unread_since_the_first()
    {
        await QueueAsync(Service, queue: 2, secondsAgo: 1);
        await _lag.RefreshAsync(CancellationToken.None);
        var first = _lag.LagOf(Partition(2));
        await Task.Delay(TimeSpan.FromMilliseconds(300));

        await _lag.RefreshAsync(CancellationToken.None);

        var again = _lag.LagOf(Partition(2));
        Assert.Equal(TimeSpan.Zero, first.Unread);
        Assert.InRange(again.Unread.TotalSeconds, 0.29, 30);
        Assert.Equal(first.Behind, again.Behind);
    }

    [Fact]
    public async Task Messages_of_another_service_sharing_the_database_do_not_count()
    {
        await QueueAsync("another-service", queue: 3, secondsAgo: 10);

        await _lag.RefreshAsync(CancellationToken.None);

        Assert.Equal(QueueLag.None, _lag.LagOf(Partition(3)));
    }

    private static StreamId Partition(int partition) => StreamId.Create(GridStreams.Inventory, GridStreams.PartitionKey(partition));

    private Task QueueAsync(string service, int queue, int secondsAgo)
        => _database.ExecuteAsync(
            $"""
            INSERT INTO grid_stream_message (service_id, provider, queue_id, stream_namespace, stream_key, payload, enqueued_at)
            VALUES ('{service}', '{Provider}', {queue}, 'inventory', '#{queue}', '\x00'::bytea, now() - interval '{secondsAgo} seconds')
            """);
}
