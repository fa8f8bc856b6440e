using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using Grid.Domain.Outbound;
using Microsoft.Extensions.Options;

namespace Grid.Outbound;

/// <summary>
/// Which targets receive which event types, and which publisher partition a subject belongs to, from
/// <see cref="OutboundOptions"/> as configured at start-up.
/// </summary>
public sealed class OutboundRouter
{
    private readonly FrozenDictionary<string, IReadOnlyList<string>> _byType;

    public OutboundRouter(IOptions<OutboundOptions> options)
    {
        Options = options.Value;
        WantsEvent = type => TargetsFor(type).Count > 0;
        HostOutbox = outbox => outbox.Host(WantsEvent);
        _byType = OutboundEventTypes.All.ToFrozenDictionary(
            t => t.Type,
            t => (IReadOnlyList<string>)[.. Options.Targets.Where(x => x.Value.EventTypes.Any(p => OutboundEventTypes.Matches(p, t.Type))).Select(x => x.Key).Order(StringComparer.Ordinal)],
            StringComparer.Ordinal);
    }

    public OutboundOptions Options { get; }

    /// <summary>Whether some target wants an event type; one instance that every source grain can hold.</summary>
    public Func<string, bool> WantsEvent { get; }

    /// <summary>Hosts a source grain's outbox (see <see cref="OutboundMapping.Host"/>); one instance for every grain.</summary>
    public Action<Outbox> HostOutbox { get; }

    public int Partitions => Options.Partitions;

    /// <summary>The targets configured for <paramref name="type"/> (a CloudEvents type such as <c>grid.order.accepted.v1</c>).</summary>
    public IReadOnlyList<string> TargetsFor(string type) => _byType.TryGetValue(type, out var targets) ? targets : [];

    public bool IsWanted(OutboundEventType type) => TargetsFor(type.Type).Count > 0;

    /// <summary>Whether any target receives anything at all.</summary>
    public bool Any => Options.Targets.Count > 0;

    /// <summary>The partition of a subject: FNV-1a of its UTF-8 bytes, so that every silo agrees.</summary>
    public int PartitionOf(string subject)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(subject))
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }

        return (int)(hash % (uint)Options.Partitions);
    }

    public static string PublisherKey(string target, int partition) => string.Create(CultureInfo.InvariantCulture, $"{target}/{partition}");

    public static (string Target, int Partition) ParseKey(string key)
    {
        var slash = key.LastIndexOf('/');
        return (key[..slash], int.Parse(key[(slash + 1)..], CultureInfo.InvariantCulture));
    }
}
