using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Grid.LoadTests.Compare;

/// <summary>
/// Picks loopback TCP ports for the servers started here. A port taken by binding port 0 lies in the kernel's
/// ephemeral range (Linux: 32768–60999), where an outgoing connection may take it between the pick and the server's own
/// bind ("address already in use"). So the port is drawn at random below that range, from 20000 up to 32000 or one below
/// the range's first port (<c>/proc/sys/net/ipv4/ip_local_port_range</c>) when that is lower, and checked free by binding
/// it briefly; a taken one is passed over for another draw. A port is handed out once per process, so that servers
/// started one after the other never get the same one before either has bound it.
/// </summary>
internal static class LoopbackPorts
{
    public const int Lowest = 20_000;
    public const int Highest = 32_000;

    private const string EphemeralRangeFile = "/proc/sys/net/ipv4/ip_local_port_range";
    private const int Draws = 100;

    private static readonly HashSet<int> HandedOut = [];

    /// <summary>A loopback port below the ephemeral range that nothing listens on right now.</summary>
    public static int Free()
    {
        var highest = HighestBelow(EphemeralRangeStart());
        if (highest < Lowest)
        {
            // The ephemeral range reaches down into ours: no port is safer than another, so let the kernel pick.
            return BindAndRelease(0) ?? throw new Cli.RunFailedException("cannot bind a TCP port on 127.0.0.1.");
        }

        for (var draw = 0; draw < Draws; draw++)
        {
            var port = Random.Shared.Next(Lowest, highest + 1);
            lock (HandedOut)
            {
                if (!HandedOut.Contains(port) && BindAndRelease(port) is not null)
                {
                    HandedOut.Add(port);
                    return port;
                }
            }
        }

        throw new Cli.RunFailedException(
            $"no free TCP port on 127.0.0.1 between {Lowest} and {highest} after {Draws} random draws.");
    }

    /// <summary>The highest port to draw: <see cref="Highest"/>, or one below the ephemeral range when it starts lower.</summary>
    public static int HighestBelow(int? ephemeralStart)
        => ephemeralStart is { } start ? Math.Min(Highest, start - 1) : Highest;

    /// <summary>The first port of the kernel's ephemeral range; null where the file is absent or unreadable (not Linux).</summary>
    public static int? EphemeralRangeStart()
    {
        try
        {
            return File.Exists(EphemeralRangeFile) ? ParseRangeStart(File.ReadAllText(EphemeralRangeFile)) : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The first number of <c>ip_local_port_range</c> ("32768\t60999"); null when it is not one.</summary>
    public static int? ParseRangeStart(string text)
    {
        var first = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var start) && start is > 0 and <= IPEndPoint.MaxPort
            ? start
            : null;
    }

    /// <summary>Binds <paramref name="port"/> on 127.0.0.1 and lets it go: the port bound, or null when it is taken.</summary>
    private static int? BindAndRelease(int port)
    {
        using var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            return null;
        }
        finally
        {
            listener.Stop();
        }
    }
}
