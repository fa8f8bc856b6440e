using System.Text;
using Grid.Streams;
using Npgsql;

namespace Grid.Tests.Postgres;

/// <summary>
/// The PostgreSQL stream queues as a receiver sees them: nothing skipped when transactions commit out of order,
/// nothing lost before an acknowledgement, redelivery after a new receiver starts, dead letters and their replay.
/// </summary>
[Trait("Category", "Postgres")]
public sealed class StreamQueueTests : IAsyncLifetime
{
    private const int Queue = 3;

    private readonly PostgresDatabase _database = new();
    private NpgsqlDataSource _dataSource = null!;
    private StreamMessageStore _store = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _dataSource = NpgsqlDataSource.Create(_database.ConnectionString);
        _store = new StreamMessageStore(_dataSource, "grid-tests", "events");
    }

    public async Task DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Messages_are_read_in_the_order_they_were_queued()
    {
        await _store.EnqueueAsync([Message("a"), Message("b")]);
        await _store.EnqueueAsync([Message("c")]);

        var read = await ReadAsync(3);

        Assert.Equal(["a", "b", "c"], read.Select(Body));
    }

    [Fact]
    public async Task A_message_whose_transaction_is_still_open_holds_back_later_ones_so_none_is_skipped()
    {
        await using var slow = await _dataSource.OpenConnectionAsync();
        await using var open = await QueueInOpenTransactionAsync(slow, "early");

        await _store.EnqueueAsync([Message("late")]);
        var whileOpen = await ReadAllAsync();
        await open.CommitAsync();
        var afterCommit = await ReadAsync(2);

        Assert.Empty(whileOpen);
        Assert.Equal(["early", "late"], afterCommit.Select(Body));
    }

    [Fact]
    public async Task A_read_says_when_committed_messages_are_held_back_behind_a_running_transaction_and_when_none_are()
    {
        await using var slow = await _dataSource.OpenConnectionAsync();
        await using var open = await QueueInOpenTransactionAsync(slow, "early");

        await _store.EnqueueAsync([Message("late")]);
        var whileOpen = await _store.ReadAsync(Queue, 0, 0, 100, countAsAttempt: false, CancellationToken.None);
        await open.CommitAsync();
        var all = await ReadAsync(2, countAsAttempt: false);
        var afterAll = await _store.ReadAsync(Queue, all[^1].TransactionId, all[^1].MessageId, 100, countAsAttempt: false, CancellationToken.None);

        Assert.Empty(whileOpen.Messages);
        Assert.True(whileOpen.HeldBack);
        Assert.Empty(afterAll.Messages);
        Assert.False(afterAll.HeldBack);
    }

    [Fact]
    public async Task A_message_not_yet_acknowledged_is_read_again_by_a_new_receiver_and_an_acknowledged_one_is_not()
    {
        await _store.EnqueueAsync([Message("done"), Message("in-flight")]);
        var first = await ReadAsync(2);
        await _store.DeleteAsync(Queue, [Position(first[0])], CancellationToken.None);

        var again = await ReadAsync(1);

        Assert.Equal(["in-flight"], again.Select(Body));
        Assert.Equal(2, again[0].DeliveryAttempts);
    }

    [Fact]
    public async Task The_depth_gauge_counts_in_the_background_and_reports_every_queue_including_empty_ones()
    {
        await _store.EnqueueAsync([Message("a"), Message("b"), Message("c")]);
        var gauge = new QueueDepthGauge(_store, queueCount: 4, TimeProvider.System);

        Assert.Empty(gauge.Observe());
        await gauge.WhenCounted();
        var depths = gauge.Observe().ToDictionary(m => (int)m.Tags.ToArray().Single(t => t.Key == "queue").Value!, m => m.Value);

        Assert.Equal(new Dictionary<int, long> { [0] = 0, [1] = 0, [2] = 0, [Queue] = 3 }, depths);
    }

    [Fact]
    public async Task A_read_that_is_not_counted_as_an_attempt_leaves_the_attempt_count_alone()
    {
        await _store.EnqueueAsync([Message("seen")]);
        await ReadAsync(1, countAsAttempt: false);

        var again = await ReadAsync(1);

        Assert.Equal(1, again[0].DeliveryAttempts);
    }

    [Fact]
    public async Task A_receiver_reading_on_from_its_cursor_does_not_see_what_it_has_read()
    {
        await _store.EnqueueAsync([Message("one")]);
        var first = await ReadAsync(1);
        await _store.EnqueueAsync([Message("two")]);

        var next = await ReadAsync(1, first[^1].TransactionId, first[^1].MessageId);

        Assert.Equal(["two"], next.Select(Body));
    }

    [Fact]
    public async Task A_dead_letter_leaves_the_queue_keeps_its_payload_and_reason_and_can_be_replayed()
    {
        await _store.EnqueueAsync([Message("poison"), Message("fine")]);
        var read = await ReadAsync(2);

        var moved = await _store.DeadLetterAsync(Queue, [Position(read[0])], "consumer kept failing");
        var statistics = await _store.GetStatisticsAsync(10);
        var replayed = await _store.ReplayDeadLettersAsync(null);
        var afterReplay = await ReadAsync(2);

        Assert.Equal(1, moved);
        Assert.Equal(1, statistics.DeadLetters);
        var deadLetter = Assert.Single(statistics.RecentDeadLetters);
        Assert.Equal("consumer kept failing", deadLetter.Reason);
        Assert.Equal("k-poison", deadLetter.StreamKey);
        Assert.Equal(1, statistics.Depth);
        Assert.Equal(1, replayed);
        Assert.Equal(["fine", "poison"], afterReplay.Select(Body));
        Assert.Equal(0, (await _store.GetStatisticsAsync(10)).DeadLetters);
    }

    [Fact]
    public async Task Statistics_count_what_waits_per_queue()
    {
        await _store.EnqueueAsync([Message("a"), Message("b"), Message("c", queue: 5)]);

        var statistics = await _store.GetStatisticsAsync(10);

        Assert.Equal(3, statistics.Depth);
        Assert.Equal([(3, 2L), (5, 1L)], statistics.Queues.Select(q => (q.QueueId, q.Depth)));
        Assert.NotNull(statistics.OldestEnqueuedAt);
    }

    [Fact]
    public async Task Queues_of_another_service_are_not_seen()
    {
        var other = new StreamMessageStore(_dataSource, "another-service", "events");
        await other.EnqueueAsync([Message("theirs")]);
        await _store.EnqueueAsync([Message("ours")]);

        Assert.Equal(["ours"], (await ReadAsync(1)).Select(Body));
        Assert.Equal(1, (await _store.GetStatisticsAsync(10)).Depth);
    }

    /// <summary>Queues <paramref name="body"/> in a transaction left open, which holds back every row queued after it.</summary>
    private static async Task<NpgsqlTransaction> QueueInOpenTransactionAsync(NpgsqlConnection connection, string body)
    {
        var open = await connection.BeginTransactionAsync();
        await using var insert = new NpgsqlCommand(
            "INSERT INTO grid_stream_message (service_id, provider, queue_id, stream_namespace, stream_key, payload) VALUES ('grid-tests', 'events', 3, 'n', 'k', @p)", connection, open);
        insert.Parameters.AddWithValue("p", Encoding.UTF8.GetBytes(body));
        await insert.ExecuteNonQueryAsync();
        return open;
    }

    private static OutgoingMessage Message(string body, int queue = Queue)
        => new(queue, "n", $"k-{body}", Encoding.UTF8.GetBytes(body));

    private static string Body(StoredMessage message) => Encoding.UTF8.GetString(message.Payload);

    private static QueuePosition Position(StoredMessage message) => new(message.TransactionId, message.MessageId);

    private async Task<List<StoredMessage>> ReadAllAsync() => (await _store.ReadAsync(Queue, 0, 0, 100, countAsAttempt: true, CancellationToken.None)).Messages;

    /// <summary>
    /// Reads from the start of the queue once <paramref name="count"/> messages are readable. A row becomes readable when
    /// every transaction older than its own has ended, on the whole server: tests running beside this one delay it a little.
    /// </summary>
    private async Task<List<StoredMessage>> ReadAsync(int count, long afterTransaction = 0, long afterMessage = 0, bool countAsAttempt = true)
    {
        List<StoredMessage> read = [];
        await Eventually.ThatAsync(async () =>
        {
            read = (await _store.ReadAsync(Queue, afterTransaction, afterMessage, 100, countAsAttempt, CancellationToken.None)).Messages;
            return read.Count >= count;
        }, $"{count} readable message(s)");
        return read;
    }
}
