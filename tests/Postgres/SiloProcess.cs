using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Grid.Tests.Postgres;

/// <summary>
/// A real silo process (the <c>Grid.Silo</c> executable built beside the tests) in Postgres mode on ports of its own.
/// <see cref="Kill"/> is <c>kill -9</c>: no shutdown code runs.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SiloProcess(Process process)
    {
        _process = process;
    }

    /// <summary>The API key every test silo accepts (configured in plain text, every role, not rate limited).</summary>
    public const string ApiKey = "silo-process-tests-key";

    public int SiloPort { get; private init; }

    public int HttpPort { get; private init; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static Task<SiloProcess> StartAsync(string connectionString, params string[] extraArguments)
        => StartAsync(connectionString, FreePorts.Next(), extraArguments);

    /// <summary>
    /// Starts a silo on <paramref name="siloPort"/>. A silo restarted on the address and port of one that died
    /// replaces it in the membership table at once, as an operator's restart does.
    /// </summary>
    public static async Task<SiloProcess> StartAsync(string connectionString, int siloPort, params string[] extraArguments)
    {
        var httpPort = FreePorts.Next();
        var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "Grid.Silo.exe" : "Grid.Silo"))
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--urls", $"http://127.0.0.1:{httpPort}",
            "--Grid:Mode=Postgres",
            $"--ConnectionStrings:Grid={connectionString}",
            "--Grid:ServiceId=grid-process-tests",
            "--Grid:ClusterId=grid-process-tests",
            $"--Grid:SiloPort={siloPort.ToString(CultureInfo.InvariantCulture)}",
            $"--Grid:GatewayPort={FreePorts.Next().ToString(CultureInfo.InvariantCulture)}",
            "--Grid:Auth:Keys:tests:Role=sales,wms,supplier,erp,crm,ops",
            $"--Grid:Auth:Keys:tests:Key={ApiKey}",
            "--Grid:Auth:Keys:tests:PermitsPerWindow=0",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
        }.Concat(extraArguments))
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var silo = new SiloProcess(process) { SiloPort = siloPort, HttpPort = httpPort };
        process.OutputDataReceived += (_, e) => silo.Append(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Append(e.Data);
        process.Exited += (_, _) => silo._started.TrySetException(new InvalidOperationException($"The silo exited before it started:\n{silo.Output}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        await silo._started.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return silo;
    }

    /// <summary>
    /// Runs one step of a test against this silo; if the step fails, the failure carries the silo's log (warnings and
    /// errors), which is otherwise lost with the process.
    /// </summary>
    public async Task ExplainingFailuresAsync(Func<Task> step)
    {
        try
        {
            await step();
        }
        catch (Exception failure)
        {
            throw new InvalidOperationException($"{failure.Message}\n--- the silo's log ---\n{Output}", failure);
        }
    }

    /// <summary>
    /// An Orleans client of the process tests' cluster (the silos started here), started; calls time out after
    /// <paramref name="responseTimeout"/> when given (Orleans' default otherwise).
    /// </summary>
    public static async Task<IHost> StartClientAsync(string connectionString, TimeSpan? responseTimeout = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = "grid-process-tests";
                o.ServiceId = "grid-process-tests";
            });
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connectionString;
            });
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
            if (responseTimeout is { } timeout)
            {
                client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = timeout);
            }
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>SIGKILL: the process ends at once, mid-write if it was writing.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line.Contains("Application started", StringComparison.Ordinal))
        {
            _started.TrySetResult();
        }
    }
}
