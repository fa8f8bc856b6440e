using System.Globalization;

namespace Grid.LoadTests.Compare;

/// <summary>
/// Grid as several processes on one PostgreSQL database (<c>compare --silos N</c>, <c>elasticity</c>): N silos and,
/// with a separate gateway, a gateway process serving the API; with a hosted one, the first silo serves it.
/// <see cref="Api"/> is where the load goes; <see cref="ProcessIds"/> are every process whose CPU counts toward Grid's.
/// Silos can be added, stopped (SIGTERM) and killed (SIGKILL) while it runs.
/// </summary>
internal sealed class GridCluster : IAsyncDisposable
{
    /// <summary>How long a silo is given to leave gracefully after SIGTERM before it is killed.</summary>
    public static readonly TimeSpan GracefulStopTimeout = TimeSpan.FromSeconds(60);

    private readonly string _root;
    private readonly string _connectionString;
    private readonly string _logFile;
    private readonly Uri? _outboundUrl;
    private readonly List<ChildProcess> _stopped = [];
    private readonly List<ServerProcess> _silos = [];
    private ServerProcess? _gateway;
    private int _started;

    private GridCluster(string root, string connectionString, string logFile, Uri? outboundUrl)
    {
        _root = root;
        _connectionString = connectionString;
        _logFile = logFile;
        _outboundUrl = outboundUrl;
    }

    public ServerProcess Api => _gateway ?? _silos[0];

    /// <summary>Whether the API is served by a gateway process of its own (not by a silo).</summary>
    public bool SeparateGateway => _gateway is not null;

    /// <summary>The silos running now, oldest first.</summary>
    public IReadOnlyList<ServerProcess> Silos => _silos;

    public IReadOnlyList<int> ProcessIds => [.. _silos.Select(s => s.Process.Id), .. _gateway is null ? Array.Empty<int>() : [_gateway.Process.Id]];

    /// <summary>
    /// Starts the first silo (it applies the schema), then the others and the gateway, and waits until each answers
    /// <c>/health/ready</c>. Logs go beside <paramref name="logFile"/> (<c>.silo-2.log</c>, <c>.gateway.log</c>, ...).
    /// </summary>
    public static async Task<GridCluster> StartAsync(
        string root, string connectionString, string logFile, Uri? outboundUrl, int silos, bool separateGateway, CancellationToken cancellationToken)
    {
        var cluster = new GridCluster(root, connectionString, logFile, outboundUrl);
        try
        {
            var first = cluster.StartSilo(hostGateway: !separateGateway, migrate: true);
            await Servers.WaitReadyAsync(first, waitForStartedLine: true, cancellationToken);
            var others = Enumerable.Range(2, silos - 1).Select(_ => cluster.StartSilo(hostGateway: false, migrate: false)).ToList();
            if (separateGateway)
            {
                cluster._gateway = Servers.StartGateway(root, connectionString, Sibling(logFile, "gateway"));
                others.Add(cluster._gateway);
            }

            foreach (var server in others)
            {
                await Servers.WaitReadyAsync(server, waitForStartedLine: true, cancellationToken);
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts one more silo (not serving the API) and waits until it answers <c>/health/ready</c>.</summary>
    public async Task<ServerProcess> AddSiloAsync(CancellationToken cancellationToken)
    {
        var silo = StartSilo(hostGateway: false, migrate: false);
        await Servers.WaitReadyAsync(silo, waitForStartedLine: true, cancellationToken);
        return silo;
    }

    /// <summary>
    /// SIGTERM to <paramref name="silo"/>, as an orchestrator stops a process, and waits for it to exit (killed after
    /// <see cref="GracefulStopTimeout"/>). Returns the exit code.
    /// </summary>
    public async Task<int> StopSiloAsync(ServerProcess silo, CancellationToken cancellationToken)
    {
        Forget(silo);
        await silo.Process.TerminateAsync(cancellationToken);
        try
        {
            return await silo.Process.Exited.WaitAsync(GracefulStopTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            silo.Process.Kill();
            throw silo.Process.Failed($"did not exit within {GracefulStopTimeout.TotalSeconds:0} s of SIGTERM");
        }
    }

    /// <summary>SIGKILL to <paramref name="silo"/>: no shutdown code runs.</summary>
    public void KillSilo(ServerProcess silo)
    {
        Forget(silo);
        silo.Process.Kill();
    }

    public async ValueTask DisposeAsync()
    {
        var all = new List<ChildProcess>(_stopped);
        all.AddRange(_silos.Select(s => s.Process));
        if (_gateway is not null)
        {
            all.Add(_gateway.Process);
        }

        foreach (var process in Enumerable.Reverse(all))
        {
            await process.DisposeAsync();
        }
    }

    private ServerProcess StartSilo(bool hostGateway, bool migrate)
    {
        var n = ++_started;
        var silo = Servers.StartGrid(
            _root, _connectionString, n == 1 ? _logFile : Sibling(_logFile, $"silo-{n}"), _outboundUrl, hostGateway, $"Grid silo {n}", migrate);
        _silos.Add(silo);
        return silo;
    }

    private void Forget(ServerProcess silo)
    {
        if (!_silos.Remove(silo))
        {
            throw new InvalidOperationException($"{silo.Process.Name} is not a running silo of this cluster.");
        }

        _stopped.Add(silo.Process);
    }

    private static string Sibling(string logFile, string name)
        => Path.Combine(Path.GetDirectoryName(logFile)!, string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileNameWithoutExtension(logFile)}.{name}.log"));
}
