using System.Globalization;
using System.Text;
using Grid.Domain.Outbound;
using Microsoft.Extensions.Options;

namespace Grid.Outbound;

/// <summary>
/// Which targets receive which event types, and which publisher partition a subject belongs to: the targets of
/// <see cref="OutboundOptions"/> as configured at start-up, and the subscriptions made through the API as this silo last
/// saw them (<see cref="Apply"/>). Lookups read one immutable <see cref="RouteTable"/>, swapped whole on a change.
/// </summary>
public sealed class OutboundRouter
{
    private RouteTable _table;

    public OutboundRouter(IOptions<OutboundOptions> options)
    {
        Options = options.Value;
        WantsEvent = type => TargetsFor(type).Count > 0;
        HostOutbox = outbox => outbox.Host(WantsEvent);
        _table = RouteTable.Build(Options, SubscriptionSet.Empty);
    }

    public OutboundOptions Options { get; }

    /// <summary>Whether some target wants an event type; one instance that every source grain can hold.</summary>
    public Func<string, bool> WantsEvent { get; }

    /// <summary>Hosts a source grain's outbox (see <see cref="OutboundMapping.Host"/>); one instance for every grain.</summary>
    public Action<Outbox> HostOutbox { get; }

    public int Partitions => Options.Partitions;

    /// <summary>The version of the subscriptions this silo routes by.</summary>
    public long Version => Volatile.Read(ref _table).Version;

    /// <summary>The targets for <paramref name="type"/> (a CloudEvents type such as <c>grid.order.accepted.v1</c>).</summary>
    public IReadOnlyList<string> TargetsFor(string type) => Volatile.Read(ref _table).ByType.TryGetValue(type, out var targets) ? targets : [];

    public bool IsWanted(OutboundEventType type) => TargetsFor(type.Type).Count > 0;

    /// <summary>Whether any target receives anything at all.</summary>
    public bool Any => Volatile.Read(ref _table).Targets.Count > 0;

    /// <summary>Every target's name, configured or subscribed, in order.</summary>
    public IReadOnlyList<string> TargetNames => Volatile.Read(ref _table).Names;

    /// <summary>A target's settings (configured or subscribed), or null when there is no such target.</summary>
    public OutboundTargetOptions? Target(string name) => Volatile.Read(ref _table).Targets.GetValueOrDefault(name)?.Options;

    /// <summary>A target's route: its settings, signing keys and where its availability publisher starts.</summary>
    internal TargetRoute? Route(string name) => Volatile.Read(ref _table).Targets.GetValueOrDefault(name);

    /// <summary>Whether <paramref name="name"/> is a target from configuration (read-only to the API).</summary>
    public bool IsConfigured(string name) => Options.Targets.ContainsKey(name);

    /// <summary>Routes by <paramref name="subscriptions"/> from now on, unless this silo already routes by the same or a later version.</summary>
    public bool Apply(SubscriptionSet subscriptions)
    {
        while (true)
        {
            var current = Volatile.Read(ref _table);
            if (subscriptions.Version <= current.Version)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _table, RouteTable.Build(Options, subscriptions), current) == current)
            {
                return true;
            }
        }
    }

    /// <summary>Asks the registry for a later set of subscriptions than this silo has, and routes by it.</summary>
    public async Task<bool> CatchUpAsync(IGrainFactory grains)
        => await grains.GetGrain<ISubscriptionRegistryGrain>(ISubscriptionRegistryGrain.Key).GetSet(Version) is { } set && Apply(set);

    /// <summary>The partition of a subject: FNV-1a of its UTF-8 bytes, so that every silo agrees.</summary>
    public int PartitionOf(string subject) => PartitionOf(subject, Options.Partitions);

    /// <summary>The partition of a subject among <paramref name="partitions"/> (a count in use now or before).</summary>
    public static int PartitionOf(string subject, int partitions)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(subject))
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }

        return (int)(hash % (uint)partitions);
    }

    /// <summary>
    /// A target's publisher partitions: those of the count in use and, while a change of it is being settled, those
    /// beyond it (they may still hold events; see <see cref="IOutboundLayoutGrain"/>).
    /// </summary>
    public async Task<IEnumerable<IOutboundPublisherGrain>> PublishersAsync(IGrainFactory grains, string target)
    {
        var layout = await grains.GetGrain<IOutboundLayoutGrain>(target).Get();
        return Enumerable.Range(0, Math.Max(Partitions, layout.Highest)).Select(p => grains.GetGrain<IOutboundPublisherGrain>(PublisherKey(target, p)));
    }

    public static string PublisherKey(string target, int partition) => string.Create(CultureInfo.InvariantCulture, $"{target}/{partition}");

    public static (string Target, int Partition) ParseKey(string key)
    {
        var slash = key.LastIndexOf('/');
        return (key[..slash], int.Parse(key[(slash + 1)..], CultureInfo.InvariantCulture));
    }
}
