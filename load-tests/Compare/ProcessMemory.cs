using System.Globalization;
using Grid.LoadTests.Cli;

namespace Grid.LoadTests.Compare;

/// <summary>
/// A process's memory as Linux reports it in <c>/proc/&lt;pid&gt;/status</c>: resident set (<c>VmRSS</c>), its
/// anonymous part (<c>RssAnon</c>: heaps and stacks, not mapped files) and the peak resident set so far
/// (<c>VmHWM</c>), all in bytes. For a .NET process RSS covers the GC heap including garbage not yet collected and
/// memory the GC keeps committed, plus the runtime, JIT'd code and native allocations; it is what the machine pays.
/// </summary>
internal readonly record struct ProcessMemory(long RssBytes, long RssAnonBytes, long PeakRssBytes)
{
    private static readonly char[] Blanks = [' ', '\t'];

    public static ProcessMemory Read(int pid)
    {
        var path = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status";
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new RunFailedException($"cannot read the memory of process {pid} from {path}: {ex.Message}", ex);
        }

        return new ProcessMemory(Field(lines, "VmRSS:", path), Field(lines, "RssAnon:", path), Field(lines, "VmHWM:", path));
    }

    /// <summary>The same, or null when the process is gone; for progress lines, which must not fail the run.</summary>
    public static ProcessMemory? TryRead(int pid)
    {
        try
        {
            return Read(pid);
        }
        catch (RunFailedException)
        {
            return null;
        }
    }

    /// <summary>Bytes as MiB with one decimal, for the summary and the progress lines.</summary>
    public static string Mib(long bytes) => (bytes / 1024.0 / 1024.0).ToString("#,##0.0", CultureInfo.InvariantCulture) + " MiB";

    /// <summary>A line such as <c>VmRSS:	  123456 kB</c>, in bytes.</summary>
    private static long Field(string[] lines, string name, string path)
    {
        var line = lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal))
            ?? throw new RunFailedException($"{path} has no {name} line.");
        var parts = line[name.Length..].Split(Blanks, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || parts[1] != "kB" || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var kib))
        {
            throw new RunFailedException($"{path}: cannot read '{line}' as '<n> kB'.");
        }

        return kib * 1024;
    }
}
