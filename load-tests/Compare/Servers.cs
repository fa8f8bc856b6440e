using System.Globalization;
using System.Net;
using System.Reflection;

namespace Grid.LoadTests.Compare;

/// <summary>A server process of a comparison and the base URL it serves on.</summary>
internal sealed record ServerProcess(ChildProcess Process, Uri BaseUri);

/// <summary>Builds and starts the two servers a comparison runs: Grid (PostgreSQL mode) and the baseline.</summary>
internal static class Servers
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);

    public static string SiloProject(string root) => Path.Combine(root, "silo", "Grid.Silo.csproj");

    public static string SiloExecutable(string root)
        => Path.Combine(root, "silo", "bin", "Release", "net10.0", OperatingSystem.IsWindows() ? "Grid.Silo.exe" : "Grid.Silo");

    public static string GatewayProject(string root) => Path.Combine(root, "gateway-api", "Grid.Gateway.csproj");

    /// <summary><c>dotnet build -c Release silo/Grid.Silo.csproj</c>; a failed build names its errors.</summary>
    public static Task BuildGridAsync(string root, CancellationToken cancellationToken) => BuildAsync(root, SiloProject(root), cancellationToken);

    /// <summary>The silo and the gateway process (<c>gateway-api/Grid.Gateway.csproj</c>), both Release.</summary>
    public static async Task BuildClusterAsync(string root, CancellationToken cancellationToken)
    {
        await BuildAsync(root, SiloProject(root), cancellationToken);
        await BuildAsync(root, GatewayProject(root), cancellationToken);
    }

    private static async Task BuildAsync(string root, string project, CancellationToken cancellationToken)
    {
        await Console.Error.WriteLineAsync($"building Grid: dotnet build -c Release {Path.GetRelativePath(root, project)}");
        var (exitCode, output) = await ChildProcess.RunToEndAsync(
            "dotnet build", "dotnet", ["build", "-c", "Release", project, "-nologo", "-v", "q", "-nr:false"], root, inheritStderr: false, cancellationToken);
        if (exitCode != 0)
        {
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var errors = lines.Where(l => l.Contains(": error ", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).Take(20).ToList();
            var shown = errors.Count > 0 ? errors : lines.TakeLast(25).ToList();
            throw new Cli.RunFailedException(
                $"Grid failed to build (dotnet build -c Release {project}: exit code {exitCode}). Its {(errors.Count > 0 ? "errors" : "last output lines")}:{Environment.NewLine}" +
                string.Join(Environment.NewLine, shown.Select(l => "    " + l)));
        }
    }

    /// <summary>
    /// The API key the Grid silo started here accepts (every role, no rate limit): a Postgres-mode silo refuses the dev
    /// keys. Made per run; the baseline ignores it.
    /// </summary>
    public static string GridApiKey { get; } = $"grid-load-{Guid.NewGuid():N}";

    /// <summary>
    /// Starts the Grid silo in PostgreSQL mode, hosting the gateway, applying the schema itself. Its whole output goes
    /// to <paramref name="logFile"/> (warnings and errors, at the log levels given here).
    /// </summary>
    public static ServerProcess StartGrid(
        string root, string connectionString, string logFile, Uri? outboundUrl = null, bool hostGateway = true, string name = "Grid silo", bool migrate = true)
    {
        var executable = SiloExecutable(root);
        if (!File.Exists(executable))
        {
            throw new Cli.RunFailedException($"Grid silo: {executable} does not exist; build it (dotnet build -c Release silo) or drop --no-build.");
        }

        var httpPort = FreePort();
        var baseUri = new Uri($"http://127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}/");
        var process = ChildProcess.Start(
            name,
            executable,
            [
                "--urls", $"http://127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}",
                "--Grid:Mode=Postgres",
                $"--ConnectionStrings:Grid={connectionString}",
                $"--Grid:HostGateway={(hostGateway ? "true" : "false")}",
                $"--Grid:MigrateOnStart={(migrate ? "true" : "false")}",
                "--Grid:Auth:Keys:load:Role=sales,wms,supplier,erp,crm,ops",
                $"--Grid:Auth:Keys:load:Key={GridApiKey}",
                "--Grid:Auth:Keys:load:PermitsPerWindow=0",
                $"--Grid:SiloPort={FreePort().ToString(CultureInfo.InvariantCulture)}",
                $"--Grid:GatewayPort={FreePort().ToString(CultureInfo.InvariantCulture)}",
                "--Logging:LogLevel:Default=Warning",
                "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
                .. OutboundArguments(outboundUrl),
            ],
            Path.GetDirectoryName(executable)!,
            logFile: logFile);
        return new ServerProcess(process, baseUri);
    }

    public static string GatewayExecutable(string root)
        => Path.Combine(root, "gateway-api", "bin", "Release", "net10.0", OperatingSystem.IsWindows() ? "Grid.Gateway.exe" : "Grid.Gateway");

    /// <summary>Starts a gateway process (an Orleans client serving the API) for the cluster on <paramref name="connectionString"/>.</summary>
    public static ServerProcess StartGateway(string root, string connectionString, string logFile)
    {
        var executable = GatewayExecutable(root);
        if (!File.Exists(executable))
        {
            throw new Cli.RunFailedException($"Grid gateway: {executable} does not exist; build it (dotnet build -c Release Grid.sln) or drop --no-build.");
        }

        var httpPort = FreePort();
        var process = ChildProcess.Start(
            "Grid gateway",
            executable,
            [
                "--urls", $"http://127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}",
                "--Grid:Mode=Postgres",
                $"--ConnectionStrings:Grid={connectionString}",
                "--Grid:Auth:Keys:load:Role=sales,wms,supplier,erp,crm,ops",
                $"--Grid:Auth:Keys:load:Key={GridApiKey}",
                "--Grid:Auth:Keys:load:PermitsPerWindow=0",
                "--Logging:LogLevel:Default=Warning",
                "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
            ],
            Path.GetDirectoryName(executable)!,
            logFile: logFile);
        return new ServerProcess(process, new Uri($"http://127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}/"));
    }

    /// <summary>With a receiver: one target that takes every event type, with Grid's default delivery settings.</summary>
    private static string[] OutboundArguments(Uri? url) => url is null ? [] :
    [
        $"--Grid:Outbound:Targets:{OutboundReceiver.TargetName}:Url={url}",
        $"--Grid:Outbound:Targets:{OutboundReceiver.TargetName}:Secret={OutboundReceiver.Secret}",
        $"--Grid:Outbound:Targets:{OutboundReceiver.TargetName}:EventTypes:0=*",
    ];

    /// <summary>The silo's log file: beside the report (<c>r.json</c> → <c>r.silo.log</c>), else in the temp folder.</summary>
    public static string GridLogFile(string? outFile, string stamp, string extension = ".silo.log")
        => outFile is not null
            ? Path.ChangeExtension(Path.GetFullPath(outFile), extension)
            : Path.Combine(Path.GetTempPath(), stamp + extension);

    /// <summary>
    /// Starts this executable's <c>baseline</c> verb on a free port, with Server GC as Grid's silo has it.
    /// </summary>
    public static ServerProcess StartBaseline(string connectionString, Uri? outboundUrl = null)
    {
        var port = FreePort();
        var baseUri = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        var processPath = Environment.ProcessPath ?? throw new Cli.RunFailedException("baseline: cannot tell this program's own path to start the baseline.");
        var arguments = new List<string>();
        if (Path.GetFileNameWithoutExtension(processPath).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            // Run as 'dotnet Grid.LoadTests.dll': start the same way.
            arguments.Add(Assembly.GetEntryAssembly()!.Location);
        }

        arguments.AddRange(["baseline", "--connection", connectionString, "--urls", baseUri.GetLeftPart(UriPartial.Authority)]);
        if (outboundUrl is not null)
        {
            arguments.AddRange(["--outbound-url", outboundUrl.ToString(), "--outbound-secret", OutboundReceiver.Secret]);
        }

        var process = ChildProcess.Start(
            "baseline",
            processPath,
            arguments,
            AppContext.BaseDirectory,
            new Dictionary<string, string> { ["DOTNET_gcServer"] = "1" });
        return new ServerProcess(process, baseUri);
    }

    /// <summary>Waits for "Application started" (when given) and then for GET /health/ready = 200, failing fast if the process exits.</summary>
    public static async Task WaitReadyAsync(ServerProcess server, bool waitForStartedLine, CancellationToken cancellationToken)
    {
        if (waitForStartedLine)
        {
            await server.Process.WaitForLineAsync("Application started", StartTimeout, cancellationToken);
        }

        using var handler = new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(5) };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10), BaseAddress = server.BaseUri };
        var deadline = DateTime.UtcNow + ReadyTimeout;
        var last = "no answer";
        while (true)
        {
            if (server.Process.Exited.IsCompleted)
            {
                throw server.Process.Failed($"exited with code {await server.Process.Exited} before GET /health/ready answered 200");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("health/ready", UriKind.Relative), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"HTTP {(int)response.StatusCode}";
            }
            catch (HttpRequestException ex)
            {
                last = ex.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                last = "timed out";
            }

            if (DateTime.UtcNow > deadline)
            {
                throw server.Process.Failed($"did not answer GET {server.BaseUri}health/ready with 200 within {ReadyTimeout.TotalSeconds:0} s (last: {last})");
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>A TCP port on loopback, below the ephemeral range, that nothing listens on right now (<see cref="LoopbackPorts"/>).</summary>
    public static int FreePort() => LoopbackPorts.Free();
}
