namespace Grid.LoadTests.Compare;

/// <summary>The checkout this tool belongs to: the nearest folder holding <c>Grid.sln</c>.</summary>
internal static class RepositoryRoot
{
    public const string Marker = "Grid.sln";

    /// <summary>Walks up from the executable's folder, then from the current directory; null when neither leads to it.</summary>
    public static string? Find()
        => FindAbove(AppContext.BaseDirectory) ?? FindAbove(Environment.CurrentDirectory);

    private static string? FindAbove(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, Marker)))
            {
                return directory.FullName;
            }
        }

        return null;
    }
}
