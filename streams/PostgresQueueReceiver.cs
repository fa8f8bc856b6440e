using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Orleans.Serialization;
using Orleans.Streams;

namespace Grid.Streams;

/// <summary>
/// Reads one queue for the silo that holds it. A new receiver (after a crash, or when the queue moves to another silo)
/// starts from the oldest message still stored, so everything not yet acknowledged is delivered again; consumers make
/// that harmless by remembering the last <see cref="QueuePosition"/> they applied.
/// </summary>
/// <remarks>
/// Orleans asks for messages on a short period (<c>Grid:Streams:PollInterval</c>); the receiver goes to PostgreSQL only
/// when <see cref="QueueSignals"/> says something was queued, when its last read filled up (more is waiting) or found
/// messages held back behind a running transaction (readable once it ends, with no notification of their own), or when
/// the queue has gone unread for <see cref="PostgresStreamOptions.IdlePollInterval"/>. So a quiet queue costs a query a
/// second, a notification costs one read, and an event is read within one period of its commit.
/// </remarks>
internal sealed partial class PostgresQueueReceiver(
    QueueId queue,
    PostgresStreamQueues queues,
    QueueSignals signals,
    Serializer<StreamMessage> serializer,
    TimeProvider clock,
    ILogger<PostgresQueueReceiver> logger) : IQueueAdapterReceiver
{
    private const int MaxReadCount = 1000;

    /// <summary>How often a queue is read while notifications are not arriving.</summary>
    private static readonly TimeSpan UnsignalledPollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Deliveries handed to the cache and not yet acknowledged, by the position of their first message.</summary>
    private readonly ConcurrentDictionary<QueuePosition, InFlight> _inFlight = new();

    /// <summary>
    /// Every message handed out and not yet let go of by Orleans' cache, and whether its consumer has already removed
    /// it from the queue (<see cref="Acknowledged"/>): those need no delete of their own when the cache lets go.
    /// </summary>
    private readonly ConcurrentDictionary<QueuePosition, bool> _handedOut = new();

    private readonly int _queue = PostgresQueueAdapter.QueueNumber(queue);
    private long _afterTransaction;
    private long _afterMessage;
    private bool _sessionStarted;
    private bool _moreWaiting;

    /// <summary>
    /// The last read found committed messages it could not take yet: a row is read only once every transaction older
    /// than it has ended (see <see cref="StreamMessageStore"/>), so the read a notification triggers can come while
    /// some other transaction still runs. The looks that follow read again until it has: every look for
    /// <see cref="HeldBackBriefly"/> after the last notification (under load, concurrent writes keep the horizon a
    /// few milliseconds behind all the time), then every <see cref="UnsignalledPollInterval"/> (a transaction left open
    /// while nothing is queued would otherwise cost a read per look).
    /// </summary>
    private bool _heldBack;

    private long _lastSignal;

    private static readonly TimeSpan HeldBackBriefly = TimeSpan.FromMilliseconds(100);
    private long _lastRead;

    public Task Initialize(TimeSpan timeout)
    {
        _afterTransaction = 0;
        _afterMessage = 0;
        _sessionStarted = false;
        _moreWaiting = false;
        _heldBack = false;
        _handedOut.Clear();
        return Task.CompletedTask;
    }

    [Obsolete("Orleans calls the overload with a CancellationToken.")]
    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        if (!ShouldRead())
        {
            return [];
        }

        var max = maxCount is <= 0 or > MaxReadCount ? MaxReadCount : maxCount;
        _lastRead = clock.GetTimestamp();
        var (stored, heldBack) = await queues.Store.ReadAsync(_queue, _afterTransaction, _afterMessage, max, countAsAttempt: !_sessionStarted, cancellationToken);
        _sessionStarted = true;
        _moreWaiting = stored.Count >= max;
        _heldBack = heldBack;
        if (stored.Count == 0)
        {
            return [];
        }

        _afterTransaction = stored[^1].TransactionId;
        _afterMessage = stored[^1].MessageId;

        var deliveries = new List<List<PositionedMessage>>();
        var open = new Dictionary<StreamId, List<PositionedMessage>>();
        List<QueuePosition>? tooManyAttempts = null;
        foreach (var message in stored)
        {
            var position = new QueuePosition(message.TransactionId, message.MessageId);
            if (message.DeliveryAttempts > queues.Options.MaxDeliveryAttempts)
            {
                (tooManyAttempts ??= []).Add(position);
                continue;
            }

            StreamMessage? body;
            try
            {
                body = serializer.Deserialize(message.Payload);
            }
            catch (Exception ex)
            {
                LogUnreadable(ex, message.StreamNamespace, message.StreamKey, position);
                body = null;
            }

            if (body is null)
            {
                await DeadLetterAsync([position], "The message cannot be deserialized.", cancellationToken);
                continue;
            }

            // Consecutive messages of one stream travel together, up to the delivery size; containers keep the order
            // of their first message, so the cache sees positions rising.
            if (!open.TryGetValue(body.StreamId, out var messages) || IsFull(messages, body))
            {
                open[body.StreamId] = messages = [];
                deliveries.Add(messages);
            }

            messages.Add(new PositionedMessage(body, position));
        }

        var readAt = clock.GetTimestamp();
        var batches = new List<IBatchContainer>(deliveries.Count);
        foreach (var messages in deliveries)
        {
            var batch = new PostgresBatchContainer(messages);
            _inFlight[batch.Position] = new InFlight(readAt, messages.ConvertAll(m => m.Position));
            messages.ForEach(m => _handedOut[m.Position] = false);
            batches.Add(batch);
        }

        if (tooManyAttempts is not null)
        {
            await DeadLetterAsync(
                tooManyAttempts,
                $"Handed out {queues.Options.MaxDeliveryAttempts} times without being acknowledged (consumer or silo kept failing).",
                cancellationToken);
        }

        return batches;
    }

    /// <summary>
    /// Whether to query now. The signal is taken before the read, so one that arrives during the read is kept for the
    /// next call.
    /// </summary>
    private bool ShouldRead()
    {
        if (signals.Take(_queue))
        {
            _lastSignal = clock.GetTimestamp();
            return true;
        }

        if (!_sessionStarted || _moreWaiting)
        {
            return true;
        }

        if (_heldBack)
        {
            return clock.GetElapsedTime(_lastSignal) < HeldBackBriefly || clock.GetElapsedTime(_lastRead) >= UnsignalledPollInterval;
        }

        var idle = signals.Listening ? queues.Options.IdlePollInterval : UnsignalledPollInterval;
        return clock.GetElapsedTime(_lastRead) >= idle;
    }

    [Obsolete("Orleans calls the overload with a CancellationToken.")]
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => MessagesDeliveredAsync(messages, CancellationToken.None);

    public async Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken)
    {
        var delivered = messages.OfType<PostgresBatchContainer>().ToList();
        var positions = delivered.SelectMany(d => d.Messages, (_, m) => m.Position).ToList();
        if (positions.Count == 0)
        {
            return;
        }

        var stillQueued = positions.Where(p => !_handedOut.TryGetValue(p, out var acknowledged) || !acknowledged).ToList();
        if (stillQueued.Count > 0)
        {
            await queues.Store.DeleteAsync(_queue, stillQueued, cancellationToken);
        }

        positions.ForEach(p => _handedOut.TryRemove(p, out _));
        delivered.ForEach(d => _inFlight.TryRemove(d.Position, out _));
        StreamInstruments.Delivered.Add(positions.Count, new KeyValuePair<string, object?>("provider", queues.Store.Provider));
    }

    public Task Shutdown(TimeSpan timeout) => Task.CompletedTask;

    /// <summary>
    /// Called when Orleans gives up the delivery that starts at <paramref name="position"/>. It gives up when the consumer
    /// kept failing for the whole delivery time, and also when its agent stops in the middle of retrying (the queue
    /// moves to another silo): only the first is poison, and then every message of the delivery goes to the dead letters
    /// (Orleans names a delivery by its first message only, and moves past all of them); the second stays queued for the
    /// queue's next owner.
    /// </summary>
    public async Task<bool> DeadLetterIfPoisonAsync(QueuePosition position, string reason)
    {
        var first = new QueuePosition(position.TransactionId, position.MessageId);
        if (!_inFlight.TryGetValue(first, out var delivery)
            || clock.GetElapsedTime(delivery.ReadAt) < queues.Options.MaxDeliveryTime)
        {
            LogDeliveryInterrupted(_queue, position);
            return false;
        }

        await DeadLetterAsync(delivery.Positions, reason, CancellationToken.None);
        _inFlight.TryRemove(first, out _);
        delivery.Positions.ForEach(p => _handedOut.TryRemove(p, out _));
        return true;
    }

    /// <summary>Messages handed out by this receiver that their consumer has removed from the queue itself.</summary>
    internal void Acknowledged(IEnumerable<QueuePosition> positions)
    {
        foreach (var position in positions)
        {
            _handedOut.TryUpdate(position, true, false);
        }
    }

    /// <summary>Whether <paramref name="next"/> must start a delivery of its own rather than join <paramref name="delivery"/>.</summary>
    private bool IsFull(List<PositionedMessage> delivery, StreamMessage next)
    {
        if (!queues.Options.BatchedNamespaces.Contains(next.StreamId.GetNamespace() ?? "")
            || delivery.Count >= queues.Options.MaxMessagesPerDelivery)
        {
            return true;
        }

        var events = next.Events.Count;
        foreach (var message in delivery)
        {
            events += message.Message.Events.Count;
        }

        return events > queues.Options.MaxEventsPerDelivery;
    }

    private sealed record InFlight(long ReadAt, List<QueuePosition> Positions);

    private async Task DeadLetterAsync(IReadOnlyCollection<QueuePosition> positions, string reason, CancellationToken cancellationToken)
    {
        var moved = await queues.Store.DeadLetterAsync(_queue, positions, reason, cancellationToken);
        StreamInstruments.DeadLetters.Add(moved, new KeyValuePair<string, object?>("provider", queues.Store.Provider));
        LogDeadLettered(moved, _queue, reason);
        if (!await queues.TellObserverAsync(_queue, moved, reason))
        {
            LogObserverFailed(_queue);
        }
    }

    [LoggerMessage(EventId = 3115, EventName = "StreamDeadLetterObserverFailed", Level = LogLevel.Warning,
        Message = "Dead letters of queue {Queue} could not be raised in the exception queue; they are listed under /api/v1/ops/streams")]
    private partial void LogObserverFailed(int queue);

    [LoggerMessage(EventId = 3113, EventName = "StreamDeliveryInterrupted", Level = LogLevel.Information,
        Message = "Delivery of the message at {Position} of queue {Queue} stopped before its delivery time ran out; it stays queued and is delivered again")]
    private partial void LogDeliveryInterrupted(int queue, QueuePosition position);

    [LoggerMessage(EventId = 3111, EventName = "StreamMessageUnreadable", Level = LogLevel.Error,
        Message = "A message on {Namespace}/{Key} at {Position} cannot be deserialized")]
    private partial void LogUnreadable(Exception exception, string @namespace, string key, QueuePosition position);

    [LoggerMessage(EventId = 3112, EventName = "StreamMessagesDeadLettered", Level = LogLevel.Warning,
        Message = "{Count} message(s) of queue {Queue} moved to the dead letters: {Reason}")]
    private partial void LogDeadLettered(int count, int queue, string reason);
}
