using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using Grid.LoadTests.Cli;

namespace Grid.LoadTests.Compare;

/// <summary>
/// A process this run started: its output is drained continuously (the last lines kept for error messages) and it is
/// killed, with its whole tree, when disposed, when the run is cancelled, and as a last resort when this process exits.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private const int TailLines = 40;

    private static readonly ConcurrentDictionary<ChildProcess, byte> Live = new();

    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly List<string> _all = [];
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(string Text, TaskCompletionSource Seen)> _awaitedLines = [];
    private StreamWriter? _log;

    static ChildProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var child in Live.Keys)
            {
                child.Kill();
            }
        };
    }

    private ChildProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    /// <summary>What the messages call it ("Grid silo", "baseline").</summary>
    public string Name { get; }

    public int Id => _process.Id;

    /// <summary>Completes with the exit code when the process ends.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>Where every line the process writes is kept in full, when a log file was given.</summary>
    public string? LogFile { get; private set; }

    /// <summary>
    /// Starts <paramref name="fileName"/>; stdout and stderr are captured unless <paramref name="inheritStderr"/>, and
    /// written in full to <paramref name="logFile"/> when one is given.
    /// </summary>
    public static ChildProcess Start(
        string name,
        string fileName,
        IEnumerable<string> arguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string>? environment = null,
        bool inheritStderr = false,
        string? logFile = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = !inheritStderr,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(name, process);
        if (logFile is not null)
        {
            child.LogFile = Path.GetFullPath(logFile);
            child._log = new StreamWriter(child.LogFile, append: false) { AutoFlush = true };
        }

        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        if (!inheritStderr)
        {
            process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        }

        process.Exited += (_, _) => child._exited.TrySetResult(SafeExitCode(process));
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new RunFailedException($"{name}: cannot start {fileName}: {ex.Message}", ex);
        }

        Live.TryAdd(child, 0);
        process.BeginOutputReadLine();
        if (!inheritStderr)
        {
            process.BeginErrorReadLine();
        }

        return child;
    }

    /// <summary>Runs a command to its end: its exit code and its captured stdout (stderr is shown as it comes, or captured).</summary>
    public static async Task<(int ExitCode, string Output)> RunToEndAsync(
        string name, string fileName, IEnumerable<string> arguments, string workingDirectory, bool inheritStderr, CancellationToken cancellationToken)
    {
        var child = Start(name, fileName, arguments, workingDirectory, inheritStderr: inheritStderr);
        await using (child)
        {
            var exitCode = await child.Exited.WaitAsync(cancellationToken);

            // Exited fires before the last output lines are delivered; WaitForExit drains them.
            await child._process.WaitForExitAsync(cancellationToken);
            return (exitCode, child.AllOutput());
        }
    }

    /// <summary>The last lines the process wrote (stdout and stderr interleaved), for an error message.</summary>
    public string Tail(int lines = 25)
    {
        lock (_tail)
        {
            var all = _tail.ToArray();
            return all.Length == 0
                ? "    (no output)"
                : string.Join(Environment.NewLine, all.Skip(Math.Max(0, all.Length - lines)).Select(l => "    " + l));
        }
    }

    /// <summary>Completes when a line containing <paramref name="text"/> is written; fails if the process exits or time runs out.</summary>
    public async Task WaitForLineAsync(string text, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_tail)
        {
            if (_tail.Any(l => l.Contains(text, StringComparison.Ordinal)))
            {
                return;
            }

            _awaitedLines.Add((text, seen));
        }

        var done = await Task.WhenAny(seen.Task, Exited, Task.Delay(timeout, cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();
        if (done == seen.Task)
        {
            return;
        }

        throw done == Exited
            ? Failed($"exited with code {await Exited} before it wrote \"{text}\"")
            : Failed($"did not write \"{text}\" within {timeout.TotalSeconds:0} s");
    }

    /// <summary>An exception naming this process and what went wrong, with its last output lines.</summary>
    public RunFailedException Failed(string what)
        => new($"{Name} (pid {SafeId()}) {what}. Its last output lines:{Environment.NewLine}{Tail()}");

    /// <summary>SIGTERM: asks the process to shut down as an orchestrator does; <see cref="Exited"/> tells when it has.</summary>
    public async Task TerminateAsync(CancellationToken cancellationToken)
    {
        if (SafeHasExited())
        {
            return;
        }

        // .NET's Process.Kill sends SIGKILL only; kill(1) sends the signal an orchestrator's stop does.
        var (exitCode, output) = await RunToEndAsync("kill", "kill", ["-TERM", SafeId()], Environment.CurrentDirectory, inheritStderr: false, cancellationToken);
        if (exitCode != 0 && !SafeHasExited())
        {
            throw new RunFailedException($"{Name} (pid {SafeId()}): kill -TERM failed with exit code {exitCode}: {output.Trim()}");
        }
    }

    /// <summary>Kills the process and everything it started; safe to call more than once.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started, or already gone.
        }
        catch (Win32Exception)
        {
            // Already exiting.
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        Live.TryRemove(this, out _);
        _process.Dispose();
        lock (_tail)
        {
            _log?.Dispose();
            _log = null;
        }

        return ValueTask.CompletedTask;
    }

    private string AllOutput()
    {
        lock (_tail)
        {
            return string.Join(Environment.NewLine, _all);
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_tail)
        {
            _tail.Enqueue(line);
            if (_tail.Count > TailLines)
            {
                _tail.Dequeue();
            }

            _log?.WriteLine(line);
            if (_all.Count < 10_000)
            {
                _all.Add(line);
            }

            for (var i = _awaitedLines.Count - 1; i >= 0; i--)
            {
                if (line.Contains(_awaitedLines[i].Text, StringComparison.Ordinal))
                {
                    _awaitedLines[i].Seen.TrySetResult();
                    _awaitedLines.RemoveAt(i);
                }
            }
        }
    }

    private bool SafeHasExited()
    {
        try
        {
            return _process.HasExited;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    private string SafeId()
    {
        try
        {
            return _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (InvalidOperationException)
        {
            return "?";
        }
    }

    private static int SafeExitCode(Process process)
    {
        try
        {
            return process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            return -1;
        }
    }
}
