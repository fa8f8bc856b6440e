namespace Grid.Domain;

/// <summary>A hash every silo and every run agree on (unlike <see cref="string.GetHashCode()"/>), for picking partitions.</summary>
public static class StableHash
{
    /// <summary>The bucket of <paramref name="key"/>: FNV-1a of its UTF-8 bytes modulo <paramref name="buckets"/>.</summary>
    public static int Bucket(string key, int buckets)
    {
        var hash = 2166136261u;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(key))
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }

        return (int)(hash % (uint)buckets);
    }
}
