using Orleans.Streams;

namespace Grid.Streams;

/// <summary>What one <c>OnNextBatchAsync</c> put on a stream, as stored in one row of <c>grid_stream_message</c>.</summary>
[GenerateSerializer]
[Alias("grid.streams.message")]
public sealed record StreamMessage(
    [property: Id(0)] StreamId StreamId,
    [property: Id(1)] List<object> Events,
    [property: Id(2)] Dictionary<string, object>? RequestContext);

/// <summary>One stored message on its way to its consumers, with the position it was read at.</summary>
[GenerateSerializer]
[Alias("grid.streams.batch")]
public sealed class PostgresBatchContainer : IBatchContainer
{
    public PostgresBatchContainer(StreamMessage message, QueuePosition position)
    {
        Message = message;
        Position = position;
    }

    [Id(0)] public StreamMessage Message { get; }

    [Id(1)] public QueuePosition Position { get; }

    public StreamId StreamId => Message.StreamId;

    public StreamSequenceToken SequenceToken => Position;

    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>()
        => Message.Events.OfType<T>().Select((e, i) => Tuple.Create<T, StreamSequenceToken>(e, Position.ForEvent(i)));

    public bool ImportRequestContext()
    {
        if (Message.RequestContext is not { Count: > 0 } context)
        {
            return false;
        }

        foreach (var (key, value) in context)
        {
            RequestContext.Set(key, value);
        }

        return true;
    }
}
