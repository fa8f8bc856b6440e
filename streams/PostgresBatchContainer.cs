using Orleans.Streams;

namespace Grid.Streams;

/// <summary>What one <c>OnNextBatchAsync</c> put on a stream, as stored in one row of <c>grid_stream_message</c>.</summary>
[GenerateSerializer]
[Alias("grid.streams.message")]
public sealed record StreamMessage(
    [property: Id(0)] StreamId StreamId,
    [property: Id(1)] List<object> Events,
    [property: Id(2)] Dictionary<string, object>? RequestContext);

/// <summary>A stored message with the position it was read at.</summary>
[GenerateSerializer]
[Alias("grid.streams.positioned-message")]
public sealed record PositionedMessage(
    [property: Id(0)] StreamMessage Message,
    [property: Id(1)] QueuePosition Position);

/// <summary>
/// Consecutive stored messages of one stream, read together and handed to its consumers in one delivery: a consumer
/// behind a backlog gets the backlog, not one call per message. Its position is that of its first message; each
/// event keeps its own message's position. It is acknowledged, or dead-lettered, as a whole.
/// </summary>
[GenerateSerializer]
[Alias("grid.streams.batch")]
public sealed class PostgresBatchContainer : IBatchContainer
{
    public PostgresBatchContainer(List<PositionedMessage> messages)
    {
        ArgumentOutOfRangeException.ThrowIfZero(messages.Count);
        Messages = messages;
    }

    /// <summary>In queue order, all of one stream.</summary>
    [Id(0)] public List<PositionedMessage> Messages { get; }

    public StreamId StreamId => Messages[0].Message.StreamId;

    public QueuePosition Position => Messages[0].Position;

    public StreamSequenceToken SequenceToken => Position;

    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>()
        => Messages.SelectMany(m => m.Message.Events.OfType<T>().Select((e, i) => Tuple.Create<T, StreamSequenceToken>(e, m.Position.ForEvent(i))));

    /// <summary>
    /// The request context of the first message (its trace, for instance) is the delivery's; the others' contexts are
    /// not carried into it.
    /// </summary>
    public bool ImportRequestContext()
    {
        if (Messages[0].Message.RequestContext is not { Count: > 0 } context)
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
