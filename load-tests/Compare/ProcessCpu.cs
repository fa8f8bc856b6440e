using System.Globalization;

namespace Grid.LoadTests.Compare;

/// <summary>
/// CPU time used so far, as Linux reports it in <c>/proc/&lt;pid&gt;/stat</c> (user and system time, in clock ticks
/// of 10 ms). CPU per request is steadier than throughput on a shared machine: other work slows a side down, but
/// changes little what each of its requests costs.
/// </summary>
internal static class ProcessCpu
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);

    /// <summary>The CPU time of one process, or null when it is gone.</summary>
    public static TimeSpan? Of(int pid) => Read(pid) is { } stat ? (stat.User + stat.System) * Tick : null;

    /// <summary>
    /// The CPU time of a process and all its children, live or ended: a PostgreSQL server's postmaster with every
    /// backend. An ended child's time is added to its parent's once it is reaped, so the sum only rises.
    /// </summary>
    public static TimeSpan? OfTree(int parentPid)
    {
        if (Read(parentPid) is not { } parent)
        {
            return null;
        }

        var ticks = parent.User + parent.System + parent.ChildrenUser + parent.ChildrenSystem;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && Read(pid) is { } child && child.ParentPid == parentPid)
            {
                ticks += child.User + child.System;
            }
        }

        return ticks * Tick;
    }

    /// <summary>The parent of a process (a PostgreSQL backend's is its postmaster), or null when it is gone.</summary>
    public static int? ParentOf(int pid) => Read(pid)?.ParentPid;

    private static Stat? Read(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so the fields start after the last ')'.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return fields.Length < 15
            ? null
            : new Stat(
                Int(fields[1]),
                Long(fields[11]),
                Long(fields[12]),
                Long(fields[13]),
                Long(fields[14]));
    }

    private static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);

    private static long Long(string s) => long.Parse(s, CultureInfo.InvariantCulture);

    /// <summary>Fields 4 and 14–17 of <c>stat</c>.</summary>
    private readonly record struct Stat(int ParentPid, long User, long System, long ChildrenUser, long ChildrenSystem);
}
