using Grid.LoadTests.Cli;

namespace Grid.LoadTests.Compare;

/// <summary>
/// What every verb that starts its own Grid needs first: the repository root, a PostgreSQL server (the repository's
/// private one unless <c>--connection</c> names one) and its version, Grid built (unless <c>--no-build</c>), and the
/// commit the build is of.
/// </summary>
internal sealed record BenchSetup(string Root, string Server, string PostgresVersion, string? GridCommit)
{
    public static async Task<BenchSetup> PrepareAsync(string? connection, bool noBuild, CancellationToken cancellationToken)
    {
        var root = RepositoryRoot.Find()
            ?? throw new RunFailedException(
                $"cannot find the repository root (the folder holding {RepositoryRoot.Marker}) above {AppContext.BaseDirectory} or {Environment.CurrentDirectory}.");

        var server = connection ?? await BenchPostgres.EnsurePrivateServerAsync(root, cancellationToken);
        var postgresVersion = await BenchPostgres.ServerVersionAsync(server, cancellationToken);
        if (!noBuild)
        {
            await Servers.BuildGridAsync(root, cancellationToken);
        }

        return new BenchSetup(root, server, postgresVersion, await CompareCommand.GitDescribeAsync(root, cancellationToken));
    }

    /// <summary>A database name unique to this run: <paramref name="prefix"/>, the UTC time to the second, six random characters.</summary>
    public static string DatabaseName(string prefix) => $"{prefix}_{DateTime.UtcNow:yyyyMMddHHmmss}_{Guid.NewGuid().ToString("N")[..6]}";
}
