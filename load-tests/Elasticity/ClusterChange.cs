namespace Grid.LoadTests.Elasticity;

/// <summary>The changes an elasticity run makes to a running cluster, in the order it makes them.</summary>
internal enum ClusterChange
{
    /// <summary>(a) A silo joins.</summary>
    Join,

    /// <summary>(b) A silo leaves gracefully (SIGTERM).</summary>
    Leave,

    /// <summary>(c) Every silo is stopped (SIGTERM) and replaced, one after another: a rolling deploy.</summary>
    Rolling,

    /// <summary>(d) A silo is killed (SIGKILL); a replacement is started once the observation ends.</summary>
    Kill,
}

internal static class ClusterChanges
{
    public static readonly IReadOnlyList<ClusterChange> All = [ClusterChange.Join, ClusterChange.Leave, ClusterChange.Rolling, ClusterChange.Kill];

    public static string Name(this ClusterChange change) => change switch
    {
        ClusterChange.Join => "join",
        ClusterChange.Leave => "leave",
        ClusterChange.Rolling => "rolling",
        ClusterChange.Kill => "kill",
        _ => throw new ArgumentOutOfRangeException(nameof(change)),
    };

    public static string Describe(this ClusterChange change) => change switch
    {
        ClusterChange.Join => "a silo joins",
        ClusterChange.Leave => "a silo leaves gracefully (SIGTERM)",
        ClusterChange.Rolling => "every silo stopped (SIGTERM) and replaced, one after another",
        ClusterChange.Kill => "a silo is killed (SIGKILL)",
        _ => throw new ArgumentOutOfRangeException(nameof(change)),
    };

    /// <summary>What clients may see: nothing for a planned change; for a kill, only retryable 503s, ended within <paramref name="killWindow"/>.</summary>
    public static string Target(this ClusterChange change, TimeSpan killWindow) => change == ClusterChange.Kill
        ? $"only 503 with Retry-After, no request left hanging, failures ended within {killWindow.TotalSeconds:0} s of the kill"
        : "no failed request";
}
