namespace Grid.Tests;

/// <summary>
/// Identifiers no other test uses, so that tests sharing a cluster, a grid or a database never see each other's
/// SKUs, orders or events. The one place tests make fresh ids.
/// </summary>
internal static class TestIds
{
    /// <summary>A fresh id: the prefix, a dash and 12 hex digits, e.g. <c>New("SKU")</c> = <c>SKU-3f9a0c1d2e4b</c>.</summary>
    public static string New(string prefix) => $"{prefix}-{Tag(12)}";

    /// <summary>Fresh hex digits (10 unless told), for a test that names several things after one run of its own.</summary>
    public static string Tag(int length = 10) => Guid.NewGuid().ToString("N")[..length];
}
