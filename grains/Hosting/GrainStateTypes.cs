using Grid.Domain;

namespace Grid.Hosting;

/// <summary>
/// The grain states that travel with a grain when the cluster moves it to another silo (the activation rebalancer,
/// a silo shutting down): the domain's types and the grains' own state classes, which carry no Orleans codec (the
/// domain knows nothing of Orleans). They go as System.Text.Json, the form they are stored in, so the moved grain
/// starts with the state it had instead of reading it back from storage. Contracts keep their generated codecs.
/// </summary>
internal static class GrainStateTypes
{
    private static readonly System.Reflection.Assembly Domain = typeof(SkuLocationInventory).Assembly;
    private static readonly System.Reflection.Assembly Grains = typeof(GrainStateTypes).Assembly;

    public static bool AreCarried(Type type)
        => (type.Assembly == Domain || type.Assembly == Grains) && type.IsClass && !type.IsDefined(typeof(GenerateSerializerAttribute), inherit: false);
}
