namespace Grid.Tests.Support;

/// <summary>Files of this repository (found from the test binaries upwards), for tests that hold code and docs to each other.</summary>
internal static class RepositoryFiles
{
    public static string PathOf(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Grid.sln")))
            {
                return Path.Combine([dir.FullName, .. parts]);
            }
        }

        throw new DirectoryNotFoundException("Grid.sln not found above the test binaries.");
    }
}
