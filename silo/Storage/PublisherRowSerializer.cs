using System.Text.Json;
using Grid.Domain.Outbound;

namespace Grid.Silo.Storage;

/// <summary>The JSON of a publisher's stored header and entries (see <see cref="PublisherQueue"/>, schema 10).</summary>
internal static class PublisherRowSerializer
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static PublisherQueue AsQueue<T>(IGrainState<T> state)
        => state.State as PublisherQueue ?? throw new InvalidOperationException($"The outbound storage holds publisher queues only, not {typeof(T).Name}.");

    public static byte[] Header(PublisherHeader header) => JsonSerializer.SerializeToUtf8Bytes(header, Options);

    public static PublisherHeader Header(byte[] payload) => JsonSerializer.Deserialize<PublisherHeader>(payload, Options)!;

    public static byte[] Entry(EntryKind kind, object value) => kind switch
    {
        EntryKind.Pending => JsonSerializer.SerializeToUtf8Bytes((QueuedEvent)value, Options),
        EntryKind.DeadLetter => JsonSerializer.SerializeToUtf8Bytes((DeadLetter)value, Options),
        _ => JsonSerializer.SerializeToUtf8Bytes((DeliveredEvent)value, Options),
    };

    /// <summary>Rebuilds a publisher from its header, subjects and entries as stored.</summary>
    public static PublisherQueue Restore(byte[] header, IEnumerable<SubjectRow> subjects, IEnumerable<(EntryKind Kind, byte[] Payload)> entries)
    {
        var pending = new List<QueuedEvent>();
        var dead = new List<DeadLetter>();
        var retained = new List<DeliveredEvent>();
        foreach (var (kind, payload) in entries)
        {
            switch (kind)
            {
                case EntryKind.Pending:
                    pending.Add(JsonSerializer.Deserialize<QueuedEvent>(payload, Options)!);
                    break;
                case EntryKind.DeadLetter:
                    dead.Add(JsonSerializer.Deserialize<DeadLetter>(payload, Options)!);
                    break;
                default:
                    retained.Add(JsonSerializer.Deserialize<DeliveredEvent>(payload, Options)!);
                    break;
            }
        }

        return PublisherQueue.Restore(Header(header), subjects, pending, dead, retained);
    }
}
