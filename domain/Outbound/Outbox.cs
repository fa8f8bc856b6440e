using System.Text.Json;
using System.Text.Json.Serialization;

namespace Grid.Domain.Outbound;

/// <summary>JSON conventions of outbound event data: camelCase, enums as camelCase strings, absent rather than null.</summary>
public static class OutboundJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string Serialize<T>(T data) => JsonSerializer.Serialize(data, Options);
}

/// <summary>
/// A source grain's transactional outbox (DESIGN §2): the outbound events its last decisions caused, kept in the same
/// state and so written in the same storage write as the change itself. After the write the grain hands them to the
/// publisher of each target that subscribes to their type; an entry leaves the outbox once every such target has
/// accepted it. A crash in between leaves it here, and the next hand-off sends it again (the publisher drops repeats
/// by <see cref="OutgoingEvent.SourceSequence"/>), so an event is never lost and reaches each target at least once.
/// </summary>
public sealed class Outbox
{
    /// <summary>The last <see cref="OutgoingEvent.SourceSequence"/> given; rises with every event.</summary>
    [JsonInclude] public long LastSequence { get; private set; }

    [JsonInclude] public List<OutboxEntry> Entries { get; private set; } = [];

    [JsonIgnore] public bool IsEmpty => Entries.Count == 0;

    /// <summary>Which event types any target wants (set by the grain from its routing); others are not recorded at all. Default: all.</summary>
    [JsonIgnore] public Func<string, bool>? Wanted { get; set; }

    /// <summary>
    /// Gives each recorded event its globally unique id (the host passes one in; a GUID in production). Without one the
    /// id is the subject and the outbox's sequence: unique within this outbox, which is what the model's specs need.
    /// </summary>
    [JsonIgnore] public Func<string>? NewEventId { get; set; }

    /// <summary>The trace the work recording an event belongs to (the host reads its ambient trace); none by default.</summary>
    [JsonIgnore] public Func<string?>? TraceParent { get; set; }

    /// <summary>A copy that later changes to this outbox do not reach (for a storage write in flight); not hosted.</summary>
    public Outbox Copy() => new()
    {
        LastSequence = LastSequence,
        Entries = [.. Entries.Select(e => e with { AcceptedBy = [.. e.AcceptedBy] })],
    };

    /// <summary>Records an event about <paramref name="subject"/> with <paramref name="data"/> as its JSON data; null when no target wants its type.</summary>
    public OutgoingEvent? Add<T>(OutboundEventType type, string subject, DateTimeOffset time, T data)
    {
        if (Wanted is { } wanted && !wanted(type.Type))
        {
            return null;
        }

        LastSequence++;
        var id = NewEventId?.Invoke() ?? $"{subject}#{LastSequence.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        var e = new OutgoingEvent(id, type.Type, subject, time, LastSequence, OutboundJson.Serialize(data), TraceParent?.Invoke());
        Entries.Add(new OutboxEntry(e, []));
        return e;
    }

    /// <summary>The entries still to hand to <paramref name="target"/>, oldest first.</summary>
    public IEnumerable<OutgoingEvent> PendingFor(string target)
        => Entries.Where(x => !x.AcceptedBy.Contains(target, StringComparer.Ordinal)).Select(x => x.Event);

    /// <summary><paramref name="target"/> accepted these events (or does not want them).</summary>
    public void MarkAccepted(string target, IEnumerable<string> eventIds)
    {
        var ids = eventIds.ToHashSet(StringComparer.Ordinal);
        foreach (var entry in Entries.Where(x => ids.Contains(x.Event.Id) && !x.AcceptedBy.Contains(target, StringComparer.Ordinal)))
        {
            entry.AcceptedBy.Add(target);
        }
    }

    /// <summary>
    /// Drops the entries every target that wants them has accepted; <paramref name="targetsFor"/> names those targets
    /// for an event type as configured now. True when any entry left.
    /// </summary>
    public bool Settle(Func<string, IReadOnlyList<string>> targetsFor)
        => Entries.RemoveAll(x => targetsFor(x.Event.Type).All(t => x.AcceptedBy.Contains(t, StringComparer.Ordinal))) > 0;
}

/// <summary>An outbox entry: the event and the targets that have accepted it so far.</summary>
public sealed record OutboxEntry(OutgoingEvent Event, List<string> AcceptedBy);
