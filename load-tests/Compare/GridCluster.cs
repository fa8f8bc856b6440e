using System.Globalization;

namespace Grid.LoadTests.Compare;

/// <summary>
/// Grid as several processes on one PostgreSQL database (<c>compare --silos N</c>): N silos and, with a separate
/// gateway, a gateway process serving the API; with a hosted one, the first silo serves it. <see cref="Api"/> is where
/// the load goes; <see cref="ProcessIds"/> are every process whose CPU counts toward Grid's.
/// </summary>
internal sealed class GridCluster : IAsyncDisposable
{
    private readonly List<ChildProcess> _processes;

    private GridCluster(ServerProcess api, List<ChildProcess> processes)
    {
        Api = api;
        _processes = processes;
    }

    public ServerProcess Api { get; }

    public IReadOnlyList<int> ProcessIds => [.. _processes.Select(p => p.Id)];

    /// <summary>
    /// Starts the first silo (it applies the schema), then the others and the gateway, and waits until each answers
    /// <c>/health/ready</c>. Logs go beside <paramref name="logFile"/> (<c>.silo-2.log</c>, <c>.gateway.log</c>, ...).
    /// </summary>
    public static async Task<GridCluster> StartAsync(
        string root, string connectionString, string logFile, Uri? outboundUrl, int silos, bool separateGateway, CancellationToken cancellationToken)
    {
        var processes = new List<ChildProcess>();
        try
        {
            var first = Servers.StartGrid(root, connectionString, logFile, outboundUrl, hostGateway: !separateGateway, name: "Grid silo 1");
            processes.Add(first.Process);
            await Servers.WaitReadyAsync(first, waitForStartedLine: true, cancellationToken);
            var others = Enumerable.Range(2, silos - 1)
                .Select(n => Servers.StartGrid(
                    root, connectionString, Sibling(logFile, $"silo-{n}"), outboundUrl, hostGateway: false, name: $"Grid silo {n}", migrate: false))
                .ToList();
            processes.AddRange(others.Select(s => s.Process));
            var api = first;
            if (separateGateway)
            {
                api = Servers.StartGateway(root, connectionString, Sibling(logFile, "gateway"));
                processes.Add(api.Process);
                others.Add(api);
            }

            foreach (var server in others)
            {
                await Servers.WaitReadyAsync(server, waitForStartedLine: true, cancellationToken);
            }

            return new GridCluster(api, processes);
        }
        catch
        {
            foreach (var process in processes)
            {
                await process.DisposeAsync();
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(_processes))
        {
            await process.DisposeAsync();
        }
    }

    private static string Sibling(string logFile, string name)
        => Path.Combine(Path.GetDirectoryName(logFile)!, string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileNameWithoutExtension(logFile)}.{name}.log"));
}
