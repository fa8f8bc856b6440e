using Grid.Streams;
using Microsoft.Extensions.Logging.Abstractions;

namespace Grid.Tests.Postgres;

/// <summary>
/// Every enqueue notifies the queues it wrote to when it commits, so a silo reads a queue as soon as it has something
/// and not while it has nothing.
/// </summary>
[Trait("Category", "Postgres")]
public sealed class QueueSignalsTests : IAsyncLifetime
{
    private const string Provider = "grid-events";

    private readonly PostgresDatabase _database = new();
    private PostgresStreamQueues _queues = null!;
    private PostgresStreamQueues _otherService = null!;
    private QueueSignals _signals = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        var options = new PostgresStreamOptions { ConnectionString = _database.ConnectionString };
        _queues = new PostgresStreamQueues(Provider, options, "signals-tests");
        _otherService = new PostgresStreamQueues(Provider, options, "another-service");
        _signals = _queues.ListenForSignals(NullLoggerFactory.Instance);
        await Eventually.ThatAsync(() => Task.FromResult(_signals.Listening), "the listener connected");
        for (var queue = 0; queue < 8; queue++)
        {
            _signals.Take(queue); // the signals raised on connecting, for anything queued before
        }
    }

    public async Task DisposeAsync()
    {
        await _queues.DisposeAsync();
        await _otherService.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Queuing_a_message_signals_its_queue_once()
    {
        await _queues.EnqueueAsync(new OutgoingMessage(3, "inventory", "#3", [1]));

        await Eventually.ThatAsync(() => Task.FromResult(_signals.Take(3)), "queue 3 signalled");
        Assert.False(_signals.Take(3));
    }

    [Fact]
    public async Task Other_queues_are_not_signalled()
    {
        await _queues.EnqueueAsync(new OutgoingMessage(5, "inventory", "#5", [1]));
        await Eventually.ThatAsync(() => Task.FromResult(_signals.Take(5)), "queue 5 signalled");

        Assert.False(_signals.Take(4));
        Assert.False(_signals.Take(6));
    }

    [Fact]
    public async Task Another_service_sharing_the_database_does_not_signal_this_one()
    {
        await _otherService.EnqueueAsync(new OutgoingMessage(2, "inventory", "#2", [1]));
        await _queues.EnqueueAsync(new OutgoingMessage(1, "inventory", "#1", [1]));
        await Eventually.ThatAsync(() => Task.FromResult(_signals.Take(1)), "queue 1 signalled");

        Assert.False(_signals.Take(2));
    }
}
