using System.Collections.Concurrent;

namespace Grid;

/// <summary>
/// Grain references by string key without the per-call type lookup: <c>IGrainFactory.GetGrain&lt;T&gt;(string)</c>
/// resolves the interface's grain type (reading its attributes) on every call, which cost a few percent of a silo's
/// CPU on the reservation path, where a request makes three references. This resolves it once per interface and
/// builds the reference from the grain id. The grain type is the same for every cluster in a process (it comes from
/// the compiled grain classes), so the cache is shared.
/// </summary>
public static class GrainReferences
{
    private static readonly ConcurrentDictionary<Type, (GrainType Grain, GrainInterfaceType Interface)> Types = new();

    /// <summary>The reference to the <typeparamref name="T"/> grain with key <paramref name="key"/>.</summary>
    public static T Ref<T>(this IGrainFactory grains, string key)
        where T : IGrainWithStringKey
    {
        if (!Types.TryGetValue(typeof(T), out var types))
        {
            var probe = (GrainReference)(object)grains.GetGrain<T>(key);
            types = Types.GetOrAdd(typeof(T), (probe.GrainId.Type, probe.InterfaceType));
            return (T)(object)probe;
        }

        return (T)grains.GetGrain(GrainId.Create(types.Grain, key), types.Interface);
    }
}
