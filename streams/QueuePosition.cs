using Orleans.Streams;

namespace Grid.Streams;

/// <summary>
/// Where a message sits in its PostgreSQL queue: the id of the transaction that queued it, then its message id, then the
/// event's index inside the message. Receivers read a queue in this order and it never changes, so a consumer that
/// stores the last position it applied can recognise a redelivery after a crash, however long ago the message was read.
/// </summary>
[GenerateSerializer]
[Alias("grid.streams.queue-position")]
public sealed class QueuePosition : StreamSequenceToken
{
    [Id(0)] private long _transactionId;
    [Id(1)] private long _messageId;
    [Id(2)] private int _eventIndex;

    public QueuePosition(long transactionId, long messageId, int eventIndex = 0)
    {
        _transactionId = transactionId;
        _messageId = messageId;
        _eventIndex = eventIndex;
    }

    public long TransactionId => _transactionId;

    public long MessageId => _messageId;

    public override long SequenceNumber
    {
        get => _messageId;
        protected set => _messageId = value;
    }

    public override int EventIndex
    {
        get => _eventIndex;
        protected set => _eventIndex = value;
    }

    public QueuePosition ForEvent(int eventIndex) => new(_transactionId, _messageId, eventIndex);

    public override bool Equals(StreamSequenceToken? other) => other is QueuePosition p && CompareTo(p) == 0;

    public override bool Equals(object? obj) => obj is StreamSequenceToken token && Equals(token);

    public override int GetHashCode() => HashCode.Combine(_transactionId, _messageId, _eventIndex);

    public override int CompareTo(StreamSequenceToken? other)
    {
        if (other is null)
        {
            return 1;
        }

        if (other is not QueuePosition p)
        {
            throw new ArgumentException($"Cannot compare a {nameof(QueuePosition)} with a {other.GetType().Name}.", nameof(other));
        }

        var byTransaction = _transactionId.CompareTo(p._transactionId);
        if (byTransaction != 0)
        {
            return byTransaction;
        }

        var byMessage = _messageId.CompareTo(p._messageId);
        return byMessage != 0 ? byMessage : _eventIndex.CompareTo(p._eventIndex);
    }

    public override string ToString() => $"{_transactionId}:{_messageId}:{_eventIndex}";
}
